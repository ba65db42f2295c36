/**
 * outsideTransactionCommand(): the statements PostgreSQL refuses inside a transaction block,
 * read from tokens. Checked against the server itself where it can say (each statement run
 * inside BEGIN ... ROLLBACK: SQLSTATE 25001 or not) and against libpg-query's parse of the
 * same text for the keyword-or-name cases.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Database } from '../../src/db/database.ts'
import { serverErrorFields } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { newOutsideTransactionContext, outsideTransactionCommand } from '../../src/sql/outside-transaction.ts'
import { splitStatements } from '../../src/sql/split.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { ALLOWED, REFUSED } from './transaction-corpus.ts'

test('outsideTransactionCommand() names every statement PostgreSQL refuses in a transaction block', () => {
  for (const [sql, command] of REFUSED) assert.is(outsideTransactionCommand(sql), command, sql)
})

test('outsideTransactionCommand() passes names, quoted identifiers, comments, strings and function bodies', () => {
  for (const sql of ALLOWED) assert.is(outsideTransactionCommand(sql), undefined, sql)
})

test('outsideTransactionCommand() knows a subscription the same file gave no slot can be dropped in a transaction', () => {
  const context = newOutsideTransactionContext()
  const file = 'alter subscription s disable;\nalter subscription s set (slot_name = none);\ndrop subscription s;\ndrop subscription other'
  assert.equal(splitStatements(file).map((s) => outsideTransactionCommand(s.text, context)), [undefined, undefined, undefined, 'DROP SUBSCRIPTION'])
  const created = newOutsideTransactionContext()
  const file2 = "create subscription \"S\" connection 'x' publication p with (create_slot = false, slot_name = NONE, enabled = false);\ndrop subscription if exists \"S\";\ndrop subscription s"
  assert.equal(splitStatements(file2).map((s) => outsideTransactionCommand(s.text, created)), [undefined, undefined, 'DROP SUBSCRIPTION'])
})

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** The SQLSTATE the statement fails with inside a transaction block (undefined when it runs). */
async function stateInTransaction(db: Database, sql: string): Promise<string | undefined> {
  await db.exec('begin')
  try {
    await db.exec(sql)
    return undefined
  } catch (error) {
    return serverErrorFields(error)?.sqlState ?? String(error)
  } finally {
    await db.exec('rollback')
  }
}

for (const kind of (await targetKinds()).filter((k) => k === 'postgres')) {
  test(`${kind}: the server agrees: each refused statement fails with 25001 inside BEGIN, each allowed one does not`, async () => {
    const t = await newTarget(kind)
    try {
      await withDb(t.url, async (db) => {
        for (const [sql, command, skip] of REFUSED) {
          if (skip) continue
          assert.is(await stateInTransaction(db, sql), '25001', `${sql} (${command})`)
        }
        for (const sql of ALLOWED) assert.is.not(await stateInTransaction(db, sql), '25001', sql)
      })
    } finally {
      await t.cleanup()
    }
  })
}

test.run()
