/**
 * A migration's own BEGIN/COMMIT (issue 13, case 4) and dry runs that stop at a
 * `transaction: false` migration (case 8), on the server and on PGlite.
 * A file that runs in sqlmig's transaction and controls the transaction itself is refused before
 * anything runs (exit 5, file:line); the runner also checks after each file that its transaction
 * is still the one it opened. A dry run names every pending migration it did not run.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Database } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { MigrationFailedError } from '../../src/errors.ts'
import { executeFile, MARK_TRANSACTION } from '../../src/runner/execute-file.ts'
import { splitStatementsWithOffsets } from '../../src/sql/split.ts'
import { transactionControl } from '../../src/sql/transaction-control.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, type Target, targetKinds } from '../helpers/targets.ts'

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** Tables in public, and the revisions the version table lists (none when it does not exist). */
async function stateOf(url: string): Promise<{ tables: string[]; applied: string[] }> {
  return await withDb(url, async (db) => {
    const tables = (await db.query<{ t: string }>(`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).map((r) => r.t)
    const applied = tables.includes('sqlmig_version') ? (await db.query<{ r: string }>('select revision as r from sqlmig_version order by applied_order')).map((r) => r.r) : []
    return { tables: tables.filter((t) => t !== 'sqlmig_version'), applied }
  })
}

/** The golang-migrate shape: four migrations, the second with its own BEGIN/COMMIT, the fourth failing. */
const golangMigrateHistory = (control: { begin: string; end: string }) =>
  migrationFiles(chain([
    { revision: 'aaaa00000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
    { revision: 'aaaa00000002', up: `${control.begin}\ncreate table t2 (id int);\n${control.end}`, down: 'drop table t2;' },
    { revision: 'aaaa00000003', up: 'create table t3 (id int);', down: 'drop table t3;' },
    { revision: 'aaaa00000004', up: 'create table t4 (id int);\nselect 1/0;', down: 'drop table t4;' },
  ]))

for (const kind of await targetKinds()) {
  test(`${kind}: a migration with its own BEGIN/COMMIT is refused before anything runs (exit 5, file:line), for upgrade and --dry-run`, async () => {
    // Every command that runs or prints the file refuses it; the other spellings (END, SAVEPOINT,
    // ROLLBACK, a comment before COMMIT...) are covered by the transactionControl() test below
    // and one run each here.
    const forms = [
      { begin: 'BEGIN;', end: 'COMMIT;', command: 'BEGIN', line: 6, runs: [['upgrade'], ['upgrade', '--dry-run'], ['upgrade', '--transaction', 'per-migration'], ['upgrade', '--sql', '--from', 'base']] },
      { begin: '-- golang-migrate wraps nothing\nstart transaction isolation level read committed;', end: 'end;', command: 'START TRANSACTION', line: 7, runs: [['upgrade', '--dry-run']] },
      { begin: '', end: '/* done */ commit;', command: 'COMMIT', line: 8, runs: [['upgrade']] },
    ]
    for (const form of forms) {
      const t: Target = await newTarget(kind)
      const p = tempProject(golangMigrateHistory(form))
      try {
        for (const args of form.runs) {
          const r = await runCli([...args, '--url', t.url], p.dir)
          assert.is(r.code, 5, `${form.command} ${args.join(' ')}: ${r.stderr}`)
          assert.match(r.stderr, `error: migrations/versions/0002_aaaa00000002.up.sql:${form.line}:`)
          assert.match(r.stderr, `${form.command} in a migration that runs inside sqlmig's transaction`)
          assert.match(r.stderr, 'hint: Remove the BEGIN/COMMIT lines (sqlmig wraps the file in a transaction), or mark the file "-- transaction: false"')
          assert.not.match(r.stderr, 'rolled back', 'no claim of a rollback: nothing ran')
          assert.equal(await stateOf(t.url), { tables: [], applied: [] }, `${form.command} ${args.join(' ')}: nothing was created, not even the version table`)
        }
      } finally {
        p.cleanup()
        await t.cleanup()
      }
    }
  })

  test(`${kind}: the same file marked "-- transaction: false" runs as written; BEGIN ATOMIC, DO blocks and PREPARE are not transaction control`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'bbbb00000001', upHeader: '-- transaction: false', up: 'BEGIN;\ncreate table t1 (id int);\nCOMMIT;', down: 'drop table t1;' },
      {
        revision: 'bbbb00000002',
        up: [
          'create function f() returns int language sql begin atomic select 1; end;',
          'do $$ begin perform 1; end $$;',
          'prepare q as select 1;',
          'deallocate q;',
          'create table t2 (id int);',
        ].join('\n'),
        down: 'drop table t2; drop function f();',
      },
    ])))
    try {
      const r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.equal(await stateOf(t.url), { tables: ['t1', 't2'], applied: ['bbbb00000001', 'bbbb00000002'] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: a down file with its own COMMIT is refused when the files are read: by upgrade, and by downgrade before anything is undone`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'cccc00000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
      { revision: 'cccc00000002', up: 'create table t2 (id int);', down: 'drop table t2;' },
    ])))
    const down = join(p.dir, 'migrations/versions/0002_cccc00000002.down.sql')
    try {
      assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
      writeFileSync(down, '-- revision: cccc00000002\n\nbegin;\ndrop table t2;\ncommit;\n')
      for (const args of [['downgrade', 'base'], ['upgrade'], ['history']]) {
        const r = await runCli([...args, '--url', t.url], p.dir)
        assert.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, 'error: migrations/versions/0002_cccc00000002.down.sql:3:1: BEGIN in a migration')
      }
      assert.equal(await stateOf(t.url), { tables: ['t1', 't2'], applied: ['cccc00000001', 'cccc00000002'] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: the runner stops when a file ended its transaction, saying what is committed`, async () => {
    const t = await newTarget(kind)
    try {
      await withDb(t.url, async (db) => {
        // executeFile is given the statements directly: the load-time check (statementsOf) is what
        // normally refuses this file, and this is the defence behind it.
        const text = 'create table t1 (id int);\ncommit;\ncreate table t2 (id int);'
        const file = { path: 'm.up.sql', text, transaction: true, lockTimeout: undefined, statementTimeout: undefined }
        await db.exec('begin')
        await db.exec(MARK_TRANSACTION)
        let caught: unknown
        try {
          await executeFile(db, file, splitStatementsWithOffsets(text), {
            revision: 'dddd00000002', rolledBackNote: 'All changes of this run were rolled back', listProgress: false, inTransactionBlock: true,
            lostTransactionNote: 'the changes of dddd00000001 (up)',
          })
        } catch (error) {
          caught = error
        }
        await db.exec('rollback').catch(() => {})
        assert.instance(caught, MigrationFailedError)
        const e = caught as MigrationFailedError
        assert.is(e.message, `Cannot apply revision "dddd00000002": it ended sqlmig's transaction (a COMMIT or ROLLBACK ran inside it)`)
        assert.match(e.detail ?? '', 'Committed and NOT recorded in the version table: the changes of dddd00000001 (up), and whatever this file did before its COMMIT.')
        assert.not.match(e.detail ?? '', 'were rolled back')
        // A file that leaves the transaction alone passes the same check.
        await db.exec('begin')
        await db.exec(MARK_TRANSACTION)
        const ok = 'create table t3 (id int);'
        await executeFile(db, { ...file, text: ok }, splitStatementsWithOffsets(ok), { revision: 'x', rolledBackNote: '', listProgress: false, inTransactionBlock: true })
        await db.exec('rollback')
      })
    } finally {
      await t.cleanup()
    }
  })

  test(`${kind}: --dry-run names the transaction: false migration it stopped before, and those after it (text and --json)`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'eeee00000001', message: 'first', up: 'create table t1 (id int);', down: 'drop table t1;' },
      { revision: 'eeee00000002', message: 'index', upHeader: '-- transaction: false', up: 'create index concurrently i1 on t1 (id);', down: 'drop index i1;' },
      { revision: 'eeee00000003', message: 'third', up: 'create table t3 (id int);', down: 'drop table t3;' },
    ])))
    try {
      const text = await runCli(['upgrade', '--dry-run', '--url', t.url], p.dir)
      assert.is(text.code, 0, text.stderr)
      assert.is(text.stdout, [
        'Dry run: 1 migration would be applied (eeee00000001 afterwards); everything was rolled back',
        'Not run: 2 more pending migrations, from eeee00000002 on: eeee00000002 runs outside a transaction (transaction: false), so a dry run cannot roll it back, and the rest come after it:',
        '  eeee00000002 index (transaction: false)',
        '  eeee00000003 third',
        'Rehearse them on a copy of the database ("sqlmig rehearse") or run them for real',
        '',
      ].join('\n'))
      const json = await runCli(['upgrade', '--dry-run', '--json', '--url', t.url], p.dir)
      assert.is(json.code, 0, json.stderr)
      const out = JSON.parse(json.stdout)
      assert.is(out.dry_run, true)
      assert.equal(out.steps.map((s: { revision: string }) => s.revision), ['eeee00000001'])
      assert.equal(out.not_run, [
        { revision: 'eeee00000002', direction: 'up', message: 'index', reason: 'transaction-false' },
        { revision: 'eeee00000003', direction: 'up', message: 'third', reason: 'after' },
      ])
      assert.equal(await stateOf(t.url), { tables: [], applied: [] }, 'the dry run left nothing')
      const real = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(real.code, 0, real.stderr)
      assert.equal((await stateOf(t.url)).applied, ['eeee00000001', 'eeee00000002', 'eeee00000003'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('transactionControl() knows the commands that end or split a transaction, and nothing else', () => {
  const yes: [string, string][] = [
    ['BEGIN', 'BEGIN'], ['begin work', 'BEGIN'], ['begin isolation level serializable', 'BEGIN'], ['start transaction', 'START TRANSACTION'],
    ['START /* c */ TRANSACTION READ ONLY', 'START TRANSACTION'], ['commit', 'COMMIT'], ['commit and chain', 'COMMIT'], ['end', 'END'],
    ['rollback', 'ROLLBACK'], ['rollback to savepoint s', 'ROLLBACK'], ['abort', 'ABORT'], ['savepoint s', 'SAVEPOINT'],
    ['release savepoint s', 'RELEASE'], ["prepare transaction 'x'", 'PREPARE TRANSACTION'], ["commit prepared 'x'", 'COMMIT'],
  ]
  for (const [sql, command] of yes) assert.is(transactionControl(sql), command, sql)
  const no = [
    'create function f() returns int language sql begin atomic select 1; end',
    'do $$ begin commit; end $$', 'prepare q as select 1', 'set transaction isolation level serializable',
    'start_date_check', 'select 1', 'create table "begin" (id int)', 'endpoint', 'comment on table t is \'commit\'',
  ]
  for (const sql of no) assert.is(transactionControl(sql), undefined, sql)
})

test.run()
