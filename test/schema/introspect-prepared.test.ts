/**
 * introspect() keeps its catalog statement prepared on the session (planning it cost more than
 * running it). What a later call returns must still be the database as it is now: after DDL of
 * every sort between two calls, after the session lost the statement (DEALLOCATE, as a pooler
 * in transaction mode or DISCARD ALL would), and with a changed search_path.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { throughKysely } from '../../src/db/session-dialect.ts'
import { introspect } from '../../src/schema/introspect.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

for (const kind of await targetKinds()) {
  test(`${kind}: a second introspection sees what changed since the first, and survives a lost prepared statement`, async () => {
    const target = await newTarget(kind)
    const db = await openDatabase(target.url)
    try {
      const empty = await introspect(db)
      assert.equal(Object.keys(empty.tables), [])
      const prepared = await db.query<{ name: string }>(`select name from pg_prepared_statements where name like 'sqlmig_catalog_%'`)
      assert.equal(prepared.length, 1, 'the catalog statement is prepared on the session')

      await db.exec(`create schema s; create table s.t (id int primary key, x text); create index ti on s.t (x); create type s.mood as enum ('a')`)
      const first = await introspect(db)
      assert.equal(Object.keys(first.tables), ['s.t'])
      assert.equal(first.enums['s.mood']?.values, ['a'])

      await db.exec(`alter table s.t add column y int; alter type s.mood add value 'b'; drop index s.ti; create table public.u (a int)`)
      const second = await introspect(db)
      assert.equal(Object.keys(second.tables).sort(), ['public.u', 's.t'])
      assert.ok(second.tables['s.t']!.columns.some((c) => c.name === 'y'), 'the added column is seen')
      assert.equal(second.enums['s.mood']?.values, ['a', 'b'])
      assert.equal(Object.keys(first.tables['s.t']!.indexes), ['ti'])
      assert.equal(Object.keys(second.tables['s.t']!.indexes), [], 'ti dropped')

      // Another Database object over the same session (as the runner's Kysely wrapper), inside a
      // transaction: the statement the session holds is reused, and the transaction stays usable.
      const { db: wrapped } = throughKysely(db)
      await wrapped.exec('begin')
      assert.equal(await introspect(wrapped), second)
      await wrapped.exec('create table public.w (a int)')
      assert.ok('public.w' in (await introspect(wrapped)).tables)
      await wrapped.exec('rollback')

      // The session lost the statement: introspection plans it again, with the same answer.
      await db.exec('DEALLOCATE ALL')
      const third = await introspect(db)
      assert.equal(third, second)
      await db.exec('drop schema s cascade; set search_path = s, public')
      const fourth = await introspect(db)
      assert.equal(Object.keys(fourth.tables), ['public.u'])
      assert.equal((await db.query<{ p: string }>(`select current_setting('search_path') as p`))[0]?.p, 's, public')
    } finally {
      await db.close()
      await target.cleanup()
    }
  })
}

test.run()
