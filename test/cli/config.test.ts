/**
 * Finding the project and the database, as a user types the commands: sqlmig.json found from a
 * subfolder (paths in it resolve against its folder; no new embedded database in the subfolder;
 * the search stops at a repository's top), .env's DATABASE_URL (a real environment variable
 * wins), camelCase keys with the old snake_case ones deprecated, a JSON syntax error's line and
 * column, "did you mean", lockWait (sqlmig's lock) apart from lockTimeout (PostgreSQL's), and an
 * untracked non-empty database refused by upgrade, reported by current.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { lockKey } from '../../src/runner/lock.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, serverAvailable, targetKinds } from '../helpers/targets.ts'
import { connect, start } from '../safety/helpers.ts'

const TWO = chain([
  { revision: 'f0000000001', message: 'users', up: 'create table users (id int primary key);', down: 'drop table users;' },
  { revision: 'f0000000002', message: 'posts', up: 'create table posts (id int primary key);', down: 'drop table posts;' },
])

async function withDb<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(url)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

test('from a subfolder, sqlmig.json is found upward: its dir and pglite: URL resolve against its folder, nothing is created in the subfolder', async () => {
  const p = tempProject({ ...migrationFiles(TWO, 'db'), 'sqlmig.json': JSON.stringify({ dir: 'db', url: 'pglite:data/pg' }) })
  try {
    const up = await runCli(['upgrade'], p.dir)
    assert.is(up.code, 0, up.stderr)
    const sub = join(p.dir, 'db', 'versions')
    const r = await runCli(['current'], sub)
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout.trim(), 'f0000000002 (head) posts')
    assert.match(r.stderr, `Using database pglite:${join(p.dir, 'data', 'pg')} (from sqlmig.json)`)
    assert.not.ok(existsSync(join(sub, 'data')), 'no database in the subfolder')
    assert.not.ok(existsSync(join(sub, '.sqlmig')))
  } finally {
    p.cleanup()
  }
})

test('current --dir . from migrations/ uses the project\'s embedded database, not a new one there', async () => {
  const p = tempProject({ ...migrationFiles(TWO), 'sqlmig.json': '{}' })
  try {
    assert.is((await runCli(['upgrade', 'f0000000001'], p.dir)).code, 0)
    const sub = join(p.dir, 'migrations')
    const r = await runCli(['current', '--dir', '.'], sub)
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout.trim(), 'f0000000001 users')
    assert.match(r.stderr, `Using database pglite:${join(p.dir, '.sqlmig', 'pgdata')} (the embedded default)`)
    assert.not.ok(existsSync(join(sub, '.sqlmig')), 'no .sqlmig in the subfolder')
  } finally {
    p.cleanup()
  }
})

test('the upward search stops at a folder holding .git: a repository inside another project is its own project', async () => {
  const p = tempProject({ 'sqlmig.json': JSON.stringify({ dir: 'nowhere' }), 'inner/.git/HEAD': 'ref: refs/heads/main\n', ...migrationFiles(TWO, 'inner/migrations') })
  try {
    const r = await runCli(['history', '--offline'], join(p.dir, 'inner', 'migrations'))
    // Not the outer sqlmig.json (whose dir is "nowhere"): no sqlmig.json found, so the working directory, as without one.
    assert.is(r.code, 5, r.stderr)
    assert.match(r.stderr, 'error: Cannot find the migrations folder "migrations/versions"')
    const inner = await runCli(['history', '--offline'], join(p.dir, 'inner'))
    assert.match(inner.stdout, 'f0000000002')
  } finally {
    p.cleanup()
  }
})

test('.env in the project folder gives DATABASE_URL (export, quotes, comments); a real DATABASE_URL wins', async () => {
  const p = tempProject({
    ...migrationFiles(TWO),
    'sqlmig.json': JSON.stringify({ url: 'pglite:from-json' }),
    '.env': '# local settings\nexport OTHER=1\nexport DATABASE_URL="pglite:from-env" # the dev database\n',
  })
  try {
    const sub = join(p.dir, 'migrations')
    const r = await runCli(['upgrade'], sub)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, `Using database pglite:${join(p.dir, 'from-env')} (from DATABASE_URL in .env)`)
    assert.ok(existsSync(join(p.dir, 'from-env')))
    assert.not.ok(existsSync(join(p.dir, 'from-json')))
    const real = await runCli(['current'], p.dir, { DATABASE_URL: 'pglite:memory' })
    assert.match(real.stderr, 'Using database pglite:memory (from DATABASE_URL)')
    assert.is(real.stdout.trim(), 'base (no migrations applied)')
  } finally {
    p.cleanup()
  }
})

test('sqlmig.json: a JSON syntax error names line and column; an unknown key near a known one says "did you mean"; old keys warn on stderr only', async () => {
  const p = tempProject({ ...migrationFiles(TWO), 'sqlmig.json': '{\n  "dir": "migrations",\n  "url": "pglite:memory",\n}\n' })
  try {
    const r = await runCli(['current'], join(p.dir, 'migrations'))
    assert.is(r.code, 2)
    assert.is(r.stderr.split('\n')[0], `error: ${join(p.dir, 'sqlmig.json')}:4:1: Cannot read sqlmig.json: invalid JSON at line 4, column 1 (Expected double-quoted property name)`)
    writeFileSync(join(p.dir, 'sqlmig.json'), JSON.stringify({ url: 'pglite:memory', version_table: 'v' }))
    const typo = await runCli(['current'], p.dir)
    assert.is(typo.code, 2)
    assert.match(typo.stderr, `error: ${join(p.dir, 'sqlmig.json')}: Unknown key "version_table" in sqlmig.json`)
    assert.match(typo.stderr, 'hint: Did you mean "versionTable"?')
    writeFileSync(join(p.dir, 'sqlmig.json'), JSON.stringify({ url: 'pglite:memory', statement_timeout: '1min', shadowUrl: 'pglite:memory' }))
    const old = await runCli(['current', '--json'], p.dir)
    assert.is(old.code, 0, old.stderr)
    assert.equal(JSON.parse(old.stdout), { current: [] })
    assert.match(old.stderr, 'warning: "statement_timeout" in sqlmig.json is deprecated: rename it to "statementTimeout"')
  } finally {
    p.cleanup()
  }
})

test('shadowUrl in sqlmig.json is used by check (a shadow server that does not answer is named)', async () => {
  const p = tempProject({ ...migrationFiles(TWO), 'migrations/schema.sql': 'create table users (id int primary key);\n', 'sqlmig.json': JSON.stringify({ shadowUrl: 'postgres://postgres@127.0.0.1:1/postgres', connectTimeout: 2 }) })
  try {
    const r = await runCli(['check'], p.dir)
    assert.is(r.code, 1)
    assert.match(r.stderr, '127.0.0.1:1')
  } finally {
    p.cleanup()
  }
})

for (const kind of await targetKinds()) {
  test(`${kind}: upgrade refuses a database with tables but no version table, naming stamp, the schema it forgot and --allow-untracked; current says so`, async () => {
    const p = tempProject(migrationFiles(TWO))
    const t = await newTarget(kind)
    try {
      await withDb(t.url, (db) => db.exec('create table users (id int primary key); create schema ops; create table ops.sqlmig_version (revision text)'))
      const cur = await runCli(['current', '--url', t.url], p.dir)
      assert.is(cur.code, 0, cur.stderr)
      assert.match(cur.stderr, 'warning: sqlmig does not track this database: the database holds 2 tables (ops.sqlmig_version, public.users) but no version table public.sqlmig_version; "sqlmig upgrade" refuses to run on it')
      assert.not.match(cur.stderr, 'pending migrations: run')
      const json = JSON.parse((await runCli(['current', '--url', t.url, '--json'], p.dir)).stdout)
      assert.equal({ current: json.current, tables: json.untracked.tables, schemas: json.untracked.version_schemas }, { current: [], tables: 2, schemas: ['ops'] })
      const r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 1, r.stderr)
      assert.match(r.stderr, 'error: Cannot upgrade: the database holds 2 tables (ops.sqlmig_version, public.users) but no version table public.sqlmig_version, so sqlmig has no record of what is applied and the first migration would run against the existing schema\n')
      assert.match(r.stderr, 'hint: The version table is in another schema? pass --version-schema ops (found ops.sqlmig_version); if the schema already matches a revision, record it without running SQL: "sqlmig stamp <revision>"; to run the migrations on it anyway: --allow-untracked')
      const dry = await runCli(['upgrade', '--url', t.url, '--dry-run', '--json'], p.dir)
      assert.is(JSON.parse(dry.stdout).error.code, 'UNTRACKED_DATABASE')
      // Nothing ran: no version table was created.
      assert.equal(await withDb(t.url, (db) => db.query(`select 1 from pg_tables where schemaname = 'public' and tablename = 'sqlmig_version'`)), [])
      // stamp records what is there; upgrade then applies the rest.
      assert.is((await runCli(['stamp', 'f0000000001', '--url', t.url], p.dir)).code, 0)
      const after = await runCli(['upgrade', '--url', t.url, '--json'], p.dir)
      assert.is(after.code, 0, after.stderr)
      assert.equal(JSON.parse(after.stdout).steps.map((s: { revision: string }) => s.revision), ['f0000000002'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: --allow-untracked upgrades a database with tables of its own; an empty database needs nothing`, async () => {
    const p = tempProject(migrationFiles(TWO))
    const t = await newTarget(kind)
    const empty = await newTarget(kind)
    try {
      await withDb(t.url, (db) => db.exec('create table audit_log (id int)'))
      const r = await runCli(['upgrade', '--url', t.url, '--allow-untracked'], p.dir)
      assert.is(r.code, 0, r.stderr)
      const fresh = await runCli(['upgrade', '--url', empty.url], p.dir)
      assert.is(fresh.code, 0, fresh.stderr)
      const cur = await runCli(['current', '--url', empty.url], p.dir)
      assert.not.match(cur.stderr, 'does not track')
    } finally {
      p.cleanup()
      await t.cleanup()
      await empty.cleanup()
    }
  })
}

if (await serverAvailable()) {
  test('postgres: sqlmig.json lockWait bounds the wait for sqlmig\'s lock (exit 4), lockTimeout is PostgreSQL\'s lock_timeout in the migration; --lock-timeout still works, with a warning', async () => {
    const specs = chain([{ revision: 'w0000000001', up: `create table seen as select current_setting('lock_timeout') as lock_timeout;`, down: 'drop table seen;' }])
    const p = tempProject({ ...migrationFiles(specs), 'sqlmig.json': JSON.stringify({ lockWait: '1s', lockTimeout: '7s' }) })
    const t = await newTarget('postgres')
    const holder = connect(t.url)
    let reserved: Awaited<ReturnType<typeof holder.reserve>> | undefined
    try {
      const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
      reserved = await holder.reserve()
      await reserved`select pg_advisory_lock(${k1}::int4, ${k2}::int4)`
      const waited = await start(['upgrade'], p.dir, { DATABASE_URL: t.url }, undefined, 20_000).done
      assert.is(waited.code, 4, waited.stderr)
      assert.ok(waited.ms >= 1000 && waited.ms < 7000, `gave up after lockWait, not lockTimeout (${waited.ms} ms)`)
      assert.match(waited.stderr, 'waited 1s, and another migration still holds it')
      const flag = await start(['upgrade', '--lock-wait', '300ms', '--json'], p.dir, { DATABASE_URL: t.url }, undefined, 20_000).done
      assert.is(flag.code, 4)
      assert.not.match(flag.stderr, 'deprecated')
      const old = await start(['upgrade', '--lock-timeout', '300ms', '--json'], p.dir, { DATABASE_URL: t.url }, undefined, 20_000).done
      assert.is(old.code, 4)
      assert.is(JSON.parse(old.stdout).error.code, 'LOCK_TIMEOUT')
      assert.match(old.stderr, 'warning: --lock-timeout is deprecated: use --lock-wait')
      await reserved`select pg_advisory_unlock(${k1}::int4, ${k2}::int4)`
      reserved.release()
      reserved = undefined
      const r = await runCli(['upgrade'], p.dir, { DATABASE_URL: t.url })
      assert.is(r.code, 0, r.stderr)
      assert.equal(await withDb(t.url, (db) => db.query('select lock_timeout from seen')), [{ lock_timeout: '7s' }])
    } finally {
      reserved?.release()
      await holder.end({ timeout: 1 })
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
