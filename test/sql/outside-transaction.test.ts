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

/** [statement, the command it is, why the server test skips it: it needs a subscription, or a newer server]. */
const REFUSED: [string, string, string?][] = [
  ['create index concurrently i on t (x)', 'CREATE INDEX CONCURRENTLY'],
  ['CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t USING btree (x)', 'CREATE INDEX CONCURRENTLY'],
  ['create unique index concurrently on t (x)', 'CREATE INDEX CONCURRENTLY'],
  ['create index /* why */ concurrently i on t (x)', 'CREATE INDEX CONCURRENTLY'],
  ['create index\n  concurrently -- online\n  i on t (x)', 'CREATE INDEX CONCURRENTLY'],
  ['drop index concurrently i', 'DROP INDEX CONCURRENTLY'],
  ['DROP INDEX CONCURRENTLY IF EXISTS public.i', 'DROP INDEX CONCURRENTLY'],
  ['reindex index concurrently i', 'REINDEX CONCURRENTLY'],
  ['reindex table concurrently public.t', 'REINDEX CONCURRENTLY'],
  ['reindex (concurrently) table t', 'REINDEX CONCURRENTLY'],
  ['reindex (verbose, concurrently true) table t', 'REINDEX CONCURRENTLY'],
  ['reindex schema public', 'REINDEX SCHEMA'],
  ['reindex database test', 'REINDEX DATABASE'],
  ['reindex system test', 'REINDEX SYSTEM'],
  ['reindex (verbose) database test', 'REINDEX DATABASE'],
  ['vacuum', 'VACUUM'],
  ['VACUUM FULL t', 'VACUUM'],
  ['vacuum (analyze, verbose) t', 'VACUUM'],
  ['vacuum analyze t', 'VACUUM'],
  ['cluster', 'CLUSTER'],
  ['cluster verbose', 'CLUSTER'],
  ['cluster (verbose)', 'CLUSTER', 'PostgreSQL 17'],
  ['create database d', 'CREATE DATABASE'],
  ["CREATE DATABASE \"D\" TEMPLATE template0 ENCODING 'UTF8'", 'CREATE DATABASE'],
  ['drop database d', 'DROP DATABASE'],
  ['drop database if exists d with (force)', 'DROP DATABASE'],
  ['alter database d set tablespace pg_default', 'ALTER DATABASE SET TABLESPACE'],
  ["create tablespace ts location '/nowhere'", 'CREATE TABLESPACE'],
  ['drop tablespace ts', 'DROP TABLESPACE'],
  ['drop tablespace if exists ts', 'DROP TABLESPACE'],
  ["alter system set work_mem = '64MB'", 'ALTER SYSTEM'],
  ['alter system reset all', 'ALTER SYSTEM'],
  ['discard all', 'DISCARD ALL'],
  ['alter table t detach partition p concurrently', 'ALTER TABLE ... DETACH CONCURRENTLY'],
  ['ALTER TABLE IF EXISTS ONLY s.t DETACH PARTITION s.p CONCURRENTLY', 'ALTER TABLE ... DETACH CONCURRENTLY'],
  ["create subscription s connection 'host=nowhere' publication p", 'CREATE SUBSCRIPTION ... WITH (create_slot = true)'],
  ["create subscription s connection 'host=nowhere' publication p with (copy_data = false)", 'CREATE SUBSCRIPTION ... WITH (create_slot = true)'],
  ["create subscription s connection 'host=nowhere' publication p with (create_slot = on, enabled = false)", 'CREATE SUBSCRIPTION ... WITH (create_slot = true)'],
  ['drop subscription s', 'DROP SUBSCRIPTION', 'needs a subscription'],
  ['drop subscription if exists s cascade', 'DROP SUBSCRIPTION', 'needs a subscription'],
  ['alter subscription s refresh publication', 'ALTER SUBSCRIPTION ... REFRESH', 'needs a subscription'],
  ['alter subscription s refresh publication with (copy_data = false)', 'ALTER SUBSCRIPTION ... REFRESH', 'needs a subscription'],
  ['alter subscription s set publication p', 'ALTER SUBSCRIPTION with refresh', 'needs a subscription'],
  ['alter subscription s add publication p with (copy_data = false)', 'ALTER SUBSCRIPTION with refresh', 'needs a subscription'],
  ['alter subscription s set (failover = true)', 'ALTER SUBSCRIPTION ... SET (failover)', 'needs a subscription'],
]

/** Statements that run inside a transaction block (or fail there for another reason than 25001). */
const ALLOWED: string[] = [
  'create index concurrently_idx on t (x)',
  'create index "concurrently" on t (x)',
  'create index i on t ("concurrently")',
  'create index i on t using btree (x) where "concurrently"',
  'drop index concurrently_idx',
  'drop index "concurrently"',
  'reindex index i',
  'reindex table t',
  'reindex (concurrently false) table t',
  "reindex (concurrently 'off', verbose) table t",
  'analyze',
  'analyze t',
  'cluster t',
  'cluster verbose t using i',
  'cluster i on t',
  'create table database (tablespace int, system int, vacuum int)',
  'select vacuum, "database" from t',
  'alter database d set work_mem = 0',
  'alter database d set tablespace = pg_default',
  'alter database d set tablespace to pg_default',
  'alter database d rename to e',
  'alter tablespace ts rename to ts2',
  'alter table t detach partition p',
  'alter table t detach partition p finalize',
  'alter table t add column "concurrently" int',
  'discard plans',
  'discard temp',
  "comment on table t is 'vacuum; create index concurrently i on t (x); drop database d'",
  '-- vacuum\nselect 1',
  '/* create database d */ select 1',
  "select 'vacuum'",
  'select $$ vacuum $$',
  "create function f() returns void language plpgsql as $$ begin execute 'vacuum'; end $$",
  'create function g() returns void language sql as $$ vacuum $$',
  'do $$ begin if false then vacuum; end if; end $$',
  "do $$ begin if false then execute 'create database d'; end if; end $$",
  "create subscription s connection 'host=nowhere' publication p with (connect = false)",
  "create subscription s connection 'host=nowhere' publication p with (create_slot = false, enabled = false, slot_name = none)",
  "create subscription s connection 'host=nowhere' publication p with (connect = 'false')",
  'create extension if not exists pg_trgm',
  'select 1',
  '"vacuum"',
]

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
