/**
 * The library on an application's own Kysely instance (issue 15, item 7): `upgrade({ kysely })`
 * runs the migrations through that instance — Kysely's own PostgresDialect over `pg` on the
 * server, and a PGlite the application opened itself behind the same dialect — pinning one of
 * its connections for the lock and the run, and leaving the instance usable afterwards.
 */
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, downgrade, MigrationFailedError, upgrade } from '../../mod.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { rejection } from '../helpers/rejection.ts'
import { newTarget, serverAvailable } from '../helpers/targets.ts'

const history = (extra: { up: string; down: string }[] = []) => migrationFiles(chain([
  { revision: 'ky0000000001', up: 'create table accounts (id int primary key, name text);', down: 'drop table accounts;' },
  { revision: 'ky0000000002', upHeader: '-- transaction: false', up: 'create index concurrently accounts_name on accounts (name);', downHeader: '-- transaction: false', down: 'drop index concurrently accounts_name;' },
  { revision: 'ky0000000003', up: "insert into accounts values (1, 'ada');", down: 'delete from accounts where id = 1;' },
  ...extra.map((e, i) => ({ revision: `ky00000001${String(i).padStart(2, '0')}`, ...e })),
]))

async function tables(k: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`.execute(k)
  return r.rows.map((x) => x.t)
}

/** Kysely's PostgresDialect over a PGlite instance the application opened: a pool of one client. */
function pgliteKysely(db: PGlite): Kysely<any> {
  const client = {
    query: async (text: string, params: unknown[] = []) => {
      // Several statements without parameters (the simple protocol) go through exec, as pg would send them.
      if (params.length === 0) {
        const results = await db.exec(text)
        const last = results[results.length - 1]
        return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command: 'SELECT' }
      }
      const r = await db.query(text, params)
      return { rows: r.rows, rowCount: r.affectedRows ?? 0, command: 'SELECT' }
    },
    release: () => {},
  }
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: { connect: async () => client, end: async () => {} } as any }) })
}

if (await serverAvailable()) {
  test('server, PostgresDialect over pg: upgrade, current, downgrade through the application\'s instance, which stays usable', async () => {
    const t = await newTarget('postgres')
    const p = tempProject(history())
    const pool = new pg.Pool({ connectionString: t.url, max: 3 })
    const k = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
    try {
      const lines: string[] = []
      const up = await upgrade({ kysely: k, cwd: p.dir, onInfo: (l) => lines.push(l) })
      assert.equal(up.steps.map((s) => s.revision), ['ky0000000001', 'ky0000000002', 'ky0000000003'])
      assert.equal(up.to, ['ky0000000003'])
      assert.match(up.database, "the application's Kysely instance")
      assert.equal(lines, ["Using database the application's Kysely instance"])
      assert.equal(await tables(k), ['accounts', 'sqlmig_version'])
      const idx = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname = 'accounts_name'`.execute(k)
      assert.is(idx.rows[0]!.n, 1)
      assert.equal((await current({ kysely: k, cwd: p.dir })).current, ['ky0000000003'])
      const again = await upgrade({ kysely: k, cwd: p.dir })
      assert.is(again.steps.length, 0)
      const down = await downgrade({ kysely: k, cwd: p.dir, revision: 'base' })
      assert.equal(down.steps.map((s) => s.revision), ['ky0000000003', 'ky0000000002', 'ky0000000001'])
      assert.equal(await tables(k), ['sqlmig_version'])
      // The instance is the application's: still open, every connection back in the pool.
      assert.is((await sql<{ one: number }>`select 1 as one`.execute(k)).rows[0]!.one, 1)
      assert.is(pool.idleCount, pool.totalCount)
    } finally {
      await k.destroy()
      p.cleanup()
      await t.cleanup()
    }
  })

  test('server: two applications upgrading at once through their instances apply each migration once (the lock is on the pinned connection)', async () => {
    const t = await newTarget('postgres')
    const p = tempProject(history([{ up: 'select pg_sleep(0.3); create table slow (id int);', down: 'drop table slow;' }]))
    const instances = [0, 1].map(() => new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }) }))
    try {
      const results = await Promise.all(instances.map((k) => upgrade({ kysely: k, cwd: p.dir })))
      // Between transactions the lock is let go, so the two may share the work: each revision once.
      const ran = results.flatMap((r) => r.steps.map((s) => s.revision)).sort()
      assert.equal(ran, ['ky0000000001', 'ky0000000002', 'ky0000000003', 'ky0000000100'])
      const rows = await sql<{ n: number }>`select count(*)::int as n from sqlmig_version`.execute(instances[0]!)
      assert.is(rows.rows[0]!.n, 4)
    } finally {
      for (const k of instances) await k.destroy()
      p.cleanup()
      await t.cleanup()
    }
  })

  test('server: a failing migration is reported with file:line and nothing of the run is applied', async () => {
    const t = await newTarget('postgres')
    const p = tempProject(history([{ up: 'create table half (id int);\nselect * from no_such_table;', down: 'drop table half;' }]))
    const k = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }) })
    try {
      // Stop before the transaction: false step so the failing one shares a transaction with nothing committed.
      await upgrade({ kysely: k, cwd: p.dir, revision: 'ky0000000001' })
      const error = await rejection(upgrade({ kysely: k, cwd: p.dir, transaction: 'all' }))
      assert.ok(error instanceof MigrationFailedError, String(error))
      assert.is(error.revision, 'ky0000000100')
      assert.match(error.where, /ky0000000100\.up\.sql:\d+:\d+$/)
      assert.is(error.sqlState, '42P01')
      // ky0000000002 (transaction: false) committed on its own; ky0000000003 and the failing one rolled back together.
      const applied = await sql<{ r: string }>`select revision as r from sqlmig_version order by applied_order`.execute(k)
      assert.equal(applied.rows.map((r) => r.r), ['ky0000000001', 'ky0000000002'])
      assert.not.ok((await tables(k)).includes('half'))
    } finally {
      await k.destroy()
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('PGlite the application opened, behind PostgresDialect: upgrade and downgrade through it', async () => {
  const db = await PGlite.create()
  const k = pgliteKysely(db)
  const p = tempProject(history())
  try {
    const up = await upgrade({ kysely: k, cwd: p.dir })
    assert.is(up.steps.length, 3)
    assert.equal(await tables(k), ['accounts', 'sqlmig_version'])
    assert.equal((await db.query<{ name: string }>('select name from accounts')).rows, [{ name: 'ada' }])
    await downgrade({ kysely: k, cwd: p.dir, revision: 'ky0000000001' })
    assert.equal((await db.query<{ n: number }>('select count(*)::int as n from accounts')).rows, [{ n: 0 }])
    assert.equal((await current({ kysely: k, cwd: p.dir })).current, ['ky0000000001'])
  } finally {
    await k.destroy()
    await db.close()
    p.cleanup()
  }
})

test.run()
