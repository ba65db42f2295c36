/**
 * SIGINT / SIGTERM during a run: the CLI cancels the running statement, rolls back, releases
 * the lock and exits 130 / 143 with a message. On PGlite (which cannot be interrupted
 * mid-statement) it stops after the current statement.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current } from '../../mod.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, serverAvailable } from '../helpers/targets.ts'
import { appliedIn, connect, lockHolder, start, tablesIn, waitAlone, waitFor } from './helpers.ts'

const SLOW = chain([
  { revision: 'g0000000001', up: 'create table a (id int);', down: 'drop table a;' },
  { revision: 'g0000000002', up: 'create table b (id int);\nselect pg_sleep(60);\ncreate table c (id int);', down: 'drop table c;\ndrop table b;' },
])

/**
 * Waits until the server runs the pg_sleep of g0000000002 for this database (the file's
 * statements arrive as one message: the session's query is the file's text, and the statement
 * before the sleep is quick).
 */
async function sleeping(sql: ReturnType<typeof connect>): Promise<boolean> {
  const rows = await sql`select 1 from pg_stat_activity where datname = current_database() and query like '%select pg_sleep(60)%' and state = 'active'
    and now() - query_start > interval '200 milliseconds'`
  return rows.length > 0
}

if (await serverAvailable()) {
  test('SIGINT cancels the running statement, rolls everything back, frees the lock and exits 130', async () => {
    const p = tempProject(migrationFiles(SLOW))
    const t = await newTarget('postgres')
    const sql = connect(t.url)
    try {
      const run = start(['upgrade'], p.dir, { DATABASE_URL: t.url })
      await waitFor('the slow statement to run', async () => run.child.exitCode !== null || (await sleeping(sql)), 60_000)
      assert.is(run.child.exitCode, null, `the run ended early: ${run.stderr()}`)
      run.child.kill('SIGINT')
      const r = await run.done
      assert.is(r.code, 130, r.stderr)
      // Exited by itself with that code after handling the signal, not killed by it.
      assert.is(r.signal, null)
      assert.ok(r.ms < 50_000, 'did not wait for the 60 s statement')
      assert.match(r.stderr, 'Received SIGINT: cancelling the running statement and rolling back')
      assert.match(r.stderr, /error: \S+0002_g0000000002\.up\.sql:\d+:1: Interrupted by SIGINT: the unfinished transaction was rolled back and the migration lock released/)
      assert.match(r.stderr, 'Nothing of this run was committed')
      await waitAlone(sql)
      assert.equal(await tablesIn(sql), [], 'the whole run was rolled back, version table included')
      assert.is(await lockHolder(sql), undefined)
    } finally {
      await sql.end()
      p.cleanup()
      await t.cleanup()
    }
  })

  test('SIGTERM with --transaction per-migration keeps the committed migrations and exits 143', async () => {
    const p = tempProject(migrationFiles(SLOW))
    const t = await newTarget('postgres')
    const sql = connect(t.url)
    try {
      const run = start(['upgrade', '--transaction', 'per-migration'], p.dir, { DATABASE_URL: t.url })
      await waitFor('the slow statement to run', async () => run.child.exitCode !== null || (await sleeping(sql)), 60_000)
      assert.is(run.child.exitCode, null, `the run ended early: ${run.stderr()}`)
      run.child.kill('SIGTERM')
      const r = await run.done
      assert.is(r.code, 143, r.stderr)
      // Exited by itself with that code after handling the signal, not killed by it.
      assert.is(r.signal, null)
      assert.match(r.stderr, 'Interrupted by SIGTERM: the unfinished transaction was rolled back and the migration lock released')
      assert.match(r.stderr, 'Committed before the interruption and still applied: g0000000001 (up)')
      await waitAlone(sql)
      assert.equal(await appliedIn(sql), ['g0000000001'])
      assert.equal(await tablesIn(sql), ['a', 'sqlmig_version'])
      assert.is(await lockHolder(sql), undefined)
    } finally {
      await sql.end()
      p.cleanup()
      await t.cleanup()
    }
  })

  test('SIGTERM in a transaction: false migration lists what ran and records nothing', async () => {
    const specs = chain([
      { revision: 'h0000000001', upHeader: '-- transaction: false', up: 'create table x (id int);\nselect pg_sleep(60);\ncreate table y (id int);', down: 'drop table y;\ndrop table x;' },
    ])
    const p = tempProject(migrationFiles(specs))
    const t = await newTarget('postgres')
    const sql = connect(t.url)
    try {
      const run = start(['upgrade'], p.dir, { DATABASE_URL: t.url })
      await waitFor('the slow statement to run', async () => run.child.exitCode !== null || (await sleeping(sql)), 60_000)
      assert.is(run.child.exitCode, null, `the run ended early: ${run.stderr()}`)
      run.child.kill('SIGTERM')
      const r = await run.done
      assert.is(r.code, 143, r.stderr)
      // Exited by itself with that code after handling the signal, not killed by it.
      assert.is(r.signal, null)
      assert.match(r.stderr, 'Interrupted by SIGTERM')
      assert.match(r.stderr, /Statements that ran and stay applied \(1\):\n\s+line 6: create table x \(id int\)/)
      assert.match(r.stderr, 'Statement that failed: line 7: select pg_sleep(60)')
      assert.match(r.stderr, 'it is NOT recorded as applied')
      await waitAlone(sql)
      assert.equal(await appliedIn(sql), [])
      assert.equal(await tablesIn(sql), ['sqlmig_version', 'x'])
      assert.is(await lockHolder(sql), undefined, 'the session lock was released')
    } finally {
      await sql.end()
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('pglite: SIGINT stops after the current statement, rolls back and exits 130', async () => {
  const specs = chain([
    { revision: 'i0000000001', up: Array.from({ length: 40 }, (_, i) => `create table t${i} (id int);\nselect pg_sleep(0.1);`).join('\n'), down: 'select 1;' },
  ])
  const p = tempProject(migrationFiles(specs))
  const t = await newTarget('pglite')
  try {
    const run = start(['upgrade', '--url', t.url], p.dir)
    await waitFor('the run to start', () => run.stderr().includes('Using database'), 60_000)
    await new Promise((r) => setTimeout(r, 500))
    run.child.kill('SIGINT')
    const r = await run.done
    assert.is(r.code, 130, r.stderr)
    // Exited by itself with that code after handling the signal, not killed by it.
    assert.is(r.signal, null)
    assert.match(r.stderr, 'Interrupted by SIGINT: the unfinished transaction was rolled back')
    assert.equal((await current({ url: t.url, cwd: p.dir })).current, [])
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
