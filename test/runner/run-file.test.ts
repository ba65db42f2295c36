// runFile(): the one way a migration file runs (runner, verify, rehearse), on PGlite and the server.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Database } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { MigrationFailedError } from '../../src/errors.ts'
import type { ScriptFile } from '../../src/files/script.ts'
import { runFile } from '../../src/runner/run-file.ts'
import { concurrentIndexName } from '../../src/sql/outside-transaction.ts'
import { rejection } from '../helpers/rejection.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

const file = (text: string, options: Partial<ScriptFile> = {}): ScriptFile => ({ path: 'x.up.sql', text, transaction: true, lockTimeout: undefined, statementTimeout: undefined, ...options })

async function tables(db: Database): Promise<string[]> {
  return (await db.query<{ t: string }>(`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).map((r) => r.t)
}

for (const kind of await targetKinds()) {
  test(`${kind}: own transaction — settings from the header over the project's, the observer around each statement and before COMMIT, all rolled back on failure`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      await db.exec('create table seen (what text)')
      const events: string[] = []
      await runFile(db, file("insert into seen select current_setting('lock_timeout') || ' ' || current_setting('statement_timeout');\ncreate table a (id int);", { lockTimeout: '2s' }), {
        revision: 'r1', rolledBackNote: '', settings: { lockTimeout: '9s', statementTimeout: '8s' },
        observer: {
          statement: (_statement, i) => {
            events.push(`start ${i}`)
            return async (ok) => void events.push(`done ${i} ${ok}`)
          },
          beforeCommit: async () => {
            events.push(`before commit, in a transaction: ${(await db.query<{ x: boolean }>('select pg_catalog.txid_current_if_assigned() is not null as x'))[0]!.x}`)
          },
        },
      })
      assert.equal(events, ['start 0', 'done 0 true', 'start 1', 'done 1 true', 'before commit, in a transaction: true'])
      assert.equal(await db.query('select what from seen'), [{ what: '2s 8s' }])
      // SET LOCAL: gone after the file's transaction.
      assert.equal(await db.query<{ lock_timeout: string }>('show lock_timeout'), [{ lock_timeout: '0' }])
      const error = await rejection(runFile(db, file('create table b (id int);\nselect * from nope;'), { revision: 'r2', rolledBackNote: 'rolled back' }))
      assert.ok(error instanceof MigrationFailedError)
      assert.is(error.where, 'x.up.sql:2:15')
      assert.equal(await tables(db), ['a', 'seen'])
    } finally {
      await db.close()
      await t.cleanup()
    }
  })

  test(`${kind}: none — statements commit one by one, session settings are reset after the file; caller — inside the caller's transaction`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      const error = await rejection(runFile(db, file('create table c (id int);\nselect * from nope;', { transaction: false, statementTimeout: '5s' }), { revision: 'r3', rolledBackNote: '' }))
      assert.ok(error instanceof MigrationFailedError)
      assert.match(error.detail ?? '', 'Statements that ran and stay applied (1)')
      assert.equal(await tables(db), ['c'])
      await runFile(db, file('create table d (id int);', { transaction: false, statementTimeout: '5s' }), { revision: 'r4', rolledBackNote: '' })
      assert.equal(await db.query<{ statement_timeout: string }>('show statement_timeout'), [{ statement_timeout: '0' }])
      await db.exec('begin')
      await db.exec("set local sqlmig.in_run = 'on'")
      await runFile(db, file('create table e (id int);'), { transaction: 'caller', revision: 'r5', rolledBackNote: '' })
      await db.exec('rollback')
      assert.equal(await tables(db), ['c', 'd'])
    } finally {
      await db.close()
      await t.cleanup()
    }
  })

  test(`${kind}: a failed CREATE INDEX CONCURRENTLY names the INVALID index it left and the statement that removes it`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      await db.exec('create table u (x int); insert into u values (1), (1)')
      const error = await rejection(runFile(db, file('create unique index concurrently u_x on u (x);', { transaction: false }), { revision: 'r6', rolledBackNote: '' }))
      assert.ok(error instanceof MigrationFailedError)
      assert.is(error.sqlState, '23505')
      assert.match(error.detail ?? '', 'The failed CREATE INDEX CONCURRENTLY left the INVALID index public.u_x; remove it with: DROP INDEX CONCURRENTLY public.u_x;')
      await db.exec('DROP INDEX CONCURRENTLY public.u_x')
      assert.equal(await db.query(`select 1 from pg_class where relname = 'u_x'`), [])
    } finally {
      await db.close()
      await t.cleanup()
    }
  })
}

test('concurrentIndexName: the name a CREATE INDEX CONCURRENTLY gives, as the server folds it', () => {
  assert.is(concurrentIndexName('create index concurrently Idx on t (x)'), 'idx')
  assert.is(concurrentIndexName('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Mixed" ON t (x)'), 'Mixed')
  assert.is(concurrentIndexName('create index concurrently on t (x)'), '')
  assert.is(concurrentIndexName('create index idx on t (x)'), undefined)
  assert.is(concurrentIndexName('drop index concurrently idx'), undefined)
})

test.run()
