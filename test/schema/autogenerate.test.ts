import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import postgres from 'postgres'
import { openDatabase } from '../../src/db/open.ts'
import { SqlmigError } from '../../src/errors.ts'
import { autogenerate, introspectDeclared } from '../../src/schema/autogenerate.ts'
import { introspect } from '../../src/schema/introspect.ts'
import { planMigration } from '../../src/schema/render.ts'
import { newTarget, SERVER_URL, type Target, targetKinds } from '../helpers/targets.ts'
import type { Database } from '../../src/db/database.ts'
import { RESET_SQL } from './harness.ts'

// PGlite takes seconds to start: most tests borrow two long-lived instances (on fresh data
// directories, which skip initdb), reset on each open. autogenerate() asks for 'pglite:memory'.
const pool: Database[] = []
const pooled: Target[] = []
let handedOut = 0
async function borrow(url: string): Promise<Database> {
  if (url !== 'pglite:memory') return openDatabase(url)
  const i = handedOut++ % 2
  if (!pool[i]) {
    const t = await newTarget('pglite')
    pooled.push(t)
    pool[i] = await openDatabase(t.url)
  }
  const db = pool[i]!
  await db.exec(RESET_SQL)
  return { ...db, kind: db.kind, description: db.description, name: db.name, exec: db.exec, query: db.query, close: async () => {} }
}
test.after(async () => {
  for (const d of pool) await d.close()
  for (const t of pooled) await t.cleanup()
})

const MIGRATIONS = [
  { name: 'migrations/001.up.sql', sql: 'create table users (id int primary key, name text);\ncreate table posts (id int primary key, body text);' },
  { name: 'migrations/002.up.sql', sql: 'create index concurrently users_name on users (name);' },
]
const DECLARED = [{ name: 'schema.sql', sql: 'create table users (id int primary key, name text, email text);\ncreate index users_name on users (name);' }]

test('autogenerate() replays migrations (CONCURRENTLY included) and reports what the declared schema adds and removes', async () => {
  const r = await autogenerate({ migrations: MIGRATIONS, declared: DECLARED, open: borrow })
  assert.equal(r.detected, ['Detected added column public.users.email', 'Detected removed table public.posts'])
  assert.match(r.up, '-- Detected added column public.users.email\nALTER TABLE public.users ADD COLUMN email text;')
  assert.match(r.up, '-- Detected removed table public.posts\n-- WARNING: destructive\nDROP TABLE public.posts;')
  assert.match(r.down, 'CREATE TABLE public.posts (')
  assert.match(r.down, '-- WARNING: destructive\nALTER TABLE public.users DROP COLUMN email;')
})

test('autogenerate() detects nothing when the declared schema matches the migrations', async () => {
  const r = await autogenerate({ migrations: [MIGRATIONS[0]!], declared: [MIGRATIONS[0]!], open: borrow })
  assert.equal(r.detected, [])
  assert.is(r.up, '')
  assert.is(r.down, '')
})

test('autogenerate() notes that a dropped and an added table may be a rename', async () => {
  const r = await autogenerate({ migrations: [{ name: 'a.sql', sql: 'create table a (id int);' }], declared: [{ name: 's.sql', sql: 'create table b (id int);' }], open: borrow })
  assert.match(r.up, '-- NOTE: if this is a rename of public.b, replace DROP and CREATE by ALTER TABLE ... RENAME TO ...')
})

test('autogenerate() names the declared-schema file and line of a failing statement', async () => {
  try {
    await autogenerate({ migrations: [], declared: [{ name: 'schema.sql', sql: 'create table a (id int);\n\ncreate view v as select id, nope from a;' }], open: borrow })
    assert.unreachable()
  } catch (e) {
    assert.instance(e, SqlmigError)
    const err = e as SqlmigError
    assert.is(err.code, 'DECLARED_SCHEMA_FAILED')
    assert.is(err.message, 'Cannot load declared schema "schema.sql": column "nope" does not exist (42703)')
    assert.equal(err.location, { file: 'schema.sql', line: 3, column: 29 })
  }
})

test('autogenerate() names the migration that fails to replay', async () => {
  try {
    await autogenerate({ migrations: [{ name: 'm/002.up.sql', sql: 'select 1;\nalter table missing add column x int;' }], declared: [], open: borrow })
    assert.unreachable()
  } catch (e) {
    const err = e as SqlmigError
    assert.is(err.code, 'REPLAY_FAILED')
    assert.is(err.message, 'Cannot load migration "m/002.up.sql": relation "missing" does not exist (42P01)')
    assert.is(err.location?.line, 2)
  }
})

/** An opener that logs when each shadow opens and closes. */
function logging(open: (url: string) => Promise<Database>, log: string[]): (url: string) => Promise<Database> {
  let n = 0
  return async (url) => {
    const id = ++n
    const db = await open(url)
    log.push(`open ${id}`)
    return { ...db, close: async () => { log.push(`close ${id}`); await db.close() } }
  }
}

test('autogenerate() on PGlite builds its shadows one at a time, the first closed before the second opens; the migration error wins when both fail', async () => {
  const log: string[] = []
  await autogenerate({ migrations: MIGRATIONS, declared: DECLARED, open: logging(borrow, log) })
  assert.equal(log, ['open 1', 'close 1', 'open 2', 'close 2'])
  try {
    await autogenerate({ migrations: [{ name: 'm.up.sql', sql: 'create tabel x ();' }], declared: [{ name: 'schema.sql', sql: 'create tabel y ();' }], open: borrow })
    assert.unreachable()
  } catch (e) {
    assert.is((e as SqlmigError).code, 'REPLAY_FAILED')
  }
})

test('introspectDeclared() and planMigration() give the SQL that brings a live database to the declared schema', async () => {
  const live = await borrow('pglite:memory')
  await live.exec('create table users (id int primary key, name text); create table sqlmig_version (revision text)')
  const declared = await introspectDeclared({ declared: DECLARED, open: borrow })
  const plan = planMigration(await introspect(live), declared)
  assert.equal(plan.detected, ['Detected added column public.users.email', 'Detected added index public.users_name'])
})

if ((await targetKinds()).includes('postgres')) {
  const shadowDatabases = async () => {
    const sql = postgres(SERVER_URL, { max: 1, onnotice: () => {} })
    try {
      // Only this process's scratch databases (their names carry the pid): other test files
      // running at the same time make and drop their own.
      return (await sql`select datname from pg_database where datname like ${`sqlmig_shadow_${process.pid}_%`}`).map((r) => r.datname as string)
    } finally {
      await sql.end({ timeout: 1 })
    }
  }

  test('autogenerate() with shadowUrl uses scratch databases on the server and drops them', async () => {
    const before = await shadowDatabases()
    const r = await autogenerate({ migrations: MIGRATIONS, declared: [...DECLARED, { name: 'ext.sql', sql: 'create extension citext;\nalter table users add column nick citext;' }], open: openDatabase, shadowUrl: SERVER_URL })
    assert.ok(r.detected.includes('Detected added extension citext'))
    assert.ok(r.detected.includes('Detected added column public.users.nick'))
    assert.equal(await shadowDatabases(), before)
  })

  test('autogenerate() with shadowUrl builds both scratch databases side by side; a slow migration error wins over a quick declared one', async () => {
    const before = await shadowDatabases()
    const log: string[] = []
    await autogenerate({ migrations: MIGRATIONS, declared: DECLARED, open: logging(openDatabase, log), shadowUrl: SERVER_URL })
    // Side by side: the second shadow's admin session (2) is asked for before the first shadow's
    // scratch database (3), and nothing closes before that one opens. (One after the other would
    // be 1 admin, 2 scratch, close, close, then 3.) Whether the first shadow is done before the
    // second's scratch database opens depends on the machine's speed, so that is not asserted.
    assert.ok(log.indexOf('open 3') >= 0 && log.indexOf('open 3') < log.findIndex((l) => l.startsWith('close')), log.join(', '))
    try {
      await autogenerate({
        migrations: [{ name: 'm.up.sql', sql: 'select pg_sleep(1);\ncreate tabel x ();' }],
        declared: [{ name: 'schema.sql', sql: 'create tabel y ();' }],
        open: openDatabase,
        shadowUrl: SERVER_URL,
      })
      assert.unreachable()
    } catch (e) {
      assert.is((e as SqlmigError).code, 'REPLAY_FAILED')
    }
    assert.equal(await shadowDatabases(), before)
  })

  test('autogenerate() with shadowUrl drops its scratch databases when a statement fails', async () => {
    const before = await shadowDatabases()
    try {
      await autogenerate({ migrations: [], declared: [{ name: 'bad.sql', sql: 'create tabel x ();' }], open: openDatabase, shadowUrl: SERVER_URL })
      assert.unreachable()
    } catch (e) {
      assert.is((e as SqlmigError).code, 'DECLARED_SCHEMA_FAILED')
    }
    assert.equal(await shadowDatabases(), before)
  })
}

test.run()
