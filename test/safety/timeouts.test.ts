/**
 * lock_timeout and statement_timeout from sqlmig.json and from migration headers: a migration
 * queued behind another session's lock fails with 55P03 instead of blocking traffic forever,
 * a slow statement with 57014; and the settings are SET LOCAL (scoped to their migration's
 * transaction, reset for the next migration, never left on the session).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MigrationFailedError, upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, serverAvailable, targetKinds } from '../helpers/targets.ts'
import { connect } from './helpers.ts'

const record = (name: string) => `insert into settings_log values ('${name}', current_setting('lock_timeout'), current_setting('statement_timeout'));`

const SETTINGS = chain([
  { revision: 'l0000000001', up: `create table settings_log (name text, lock_timeout text, statement_timeout text);\n${record('m1')}`, down: 'drop table settings_log;', upHeader: '-- lock_timeout: 123ms\n-- statement_timeout: 4567ms' },
  { revision: 'l0000000002', up: record('m2'), down: 'select 1;' },
  { revision: 'l0000000003', up: record('m3'), down: 'select 1;', upHeader: '-- transaction: false\n-- statement_timeout: 789ms' },
  { revision: 'l0000000004', up: record('m4'), down: 'select 1;' },
])

for (const kind of await targetKinds()) {
  for (const mode of ['all', 'per-migration'] as const) {
    test(`${kind}: header and sqlmig.json timeouts are SET LOCAL to their migration (--transaction ${mode})`, async () => {
      // "lockTimeout" is PostgreSQL's lock_timeout; the old key "lock_timeout" still works, with a deprecation note.
      const key = mode === 'all' ? 'lockTimeout' : 'lock_timeout'
      const p = tempProject({ ...migrationFiles(SETTINGS), 'sqlmig.json': JSON.stringify({ [key]: '5s', lockWait: '30s' }) })
      const t = await newTarget(kind)
      try {
        const warnings: string[] = []
        await upgrade({ url: t.url, cwd: p.dir, transaction: mode, onWarning: (w) => warnings.push(w) })
        assert.equal(warnings, mode === 'all' ? [] : ['"lock_timeout" in sqlmig.json is deprecated: rename it to "lockTimeout"'])
        const db = await openDatabase(t.url)
        try {
          const rows = await db.query<{ name: string; lock_timeout: string; statement_timeout: string }>('select * from settings_log order by name')
          assert.equal(rows.map((r) => [r.name, r.lock_timeout, r.statement_timeout]), [
            ['m1', '123ms', '4567ms'], // its own headers
            ['m2', '5s', '0'], // sqlmig.json's lock_timeout; m1's statement_timeout did not leak
            ['m3', '5s', '789ms'], // outside a transaction: set for the file, then reset
            ['m4', '5s', '0'],
          ])
          // A new session sees the server defaults.
          const [now] = await db.query<{ l: string; s: string }>(`select current_setting('lock_timeout') as l, current_setting('statement_timeout') as s`)
          assert.equal([now!.l, now!.s], ['0', '0'])
        } finally {
          await db.close()
        }
      } finally {
        p.cleanup()
        await t.cleanup()
      }
    })
  }
}

if (await serverAvailable()) {
  test('postgres: a migration queued behind another session\'s lock fails with 55P03 after lock_timeout (sqlmig.json, then a header)', async () => {
    const specs = chain([{ revision: 'm0000000001', up: 'alter table busy add column x int;', down: 'alter table busy drop column x;' }])
    const t = await newTarget('postgres')
    const other = connect(t.url)
    const p = tempProject({ ...migrationFiles(specs), 'sqlmig.json': JSON.stringify({ lockTimeout: '300ms' }) })
    const q = tempProject(migrationFiles([{ ...specs[0]!, upHeader: '-- lock_timeout: 200ms' }]))
    try {
      await other`create table busy (id int)`
      // A long transaction holds a lock on the table, as production traffic would.
      await other.begin(async (tx) => {
        await tx`lock table busy in access share mode`
        for (const [project, ms] of [[p, 300], [q, 200]] as const) {
          const t0 = Date.now()
          // busy exists before the first upgrade: untracked, upgraded on purpose.
          const e = await upgrade({ url: t.url, cwd: project.dir, allowUntracked: true }).then(() => undefined, (error: unknown) => error)
          assert.instance(e, MigrationFailedError)
          assert.is((e as MigrationFailedError).sqlState, '55P03')
          assert.is((e as MigrationFailedError).message, 'Cannot apply revision "m0000000001": canceling statement due to lock timeout (55P03)')
          const waited = Date.now() - t0
          assert.ok(waited >= ms && waited < 20_000, `gave up after lock_timeout (${waited} ms)`)
        }
      })
      const columns = await other`select column_name from information_schema.columns where table_name = 'busy'`
      assert.equal(columns.map((c) => c.column_name), ['id'])
    } finally {
      await other.end()
      p.cleanup()
      q.cleanup()
      await t.cleanup()
    }
  })

  test('postgres: a statement_timeout header stops a slow statement with 57014', async () => {
    const specs = chain([{ revision: 'n0000000001', up: 'select pg_sleep(5);', down: 'select 1;', upHeader: '-- statement_timeout: 200ms' }])
    const p = tempProject(migrationFiles(specs))
    const t = await newTarget('postgres')
    try {
      const e = await upgrade({ url: t.url, cwd: p.dir }).then(() => undefined, (error: unknown) => error)
      assert.instance(e, MigrationFailedError)
      assert.is((e as MigrationFailedError).sqlState, '57014')
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
