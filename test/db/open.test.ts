import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { sessionKysely } from '../../src/db/session-dialect.ts'
import { serverErrorFields } from '../../src/db/database.ts'
import { ConnectionError, UsageError } from '../../src/errors.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

for (const kind of await targetKinds()) {
  test(`${kind}: exec runs several statements and query takes parameters`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      await db.exec('create table t (id int primary key, note text); insert into t values (1, \'a\');')
      const rows = await db.query<{ id: number; note: string }>('select id, note from t where id = $1', [1])
      assert.equal(rows, [{ id: 1, note: 'a' }])
      const viaKysely = await sessionKysely(db).selectFrom('t').select(['id', 'note']).execute()
      assert.equal(viaKysely, [{ id: 1, note: 'a' }])
    } finally {
      await db.close()
      await t.cleanup()
    }
  })

  test(`${kind}: a failing statement reports SQLSTATE and position`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      let caught: unknown
      try {
        await db.exec('select 1;\nselect nope from pg_class;')
      } catch (e) {
        caught = e
      }
      const f = serverErrorFields(caught)
      assert.ok(f, 'server error fields')
      assert.is(f!.sqlState, '42703')
      assert.is(f!.position, 18)
    } finally {
      await db.close()
      await t.cleanup()
    }
  })
}

test('openDatabase() rejects an unknown scheme with a usage error', async () => {
  try {
    await openDatabase('mysql://root:secret@localhost/db')
    assert.unreachable()
  } catch (e) {
    assert.instance(e, UsageError)
    assert.is((e as Error).message, 'Cannot use database URL "mysql://root:***@localhost/db": unknown scheme')
  }
})

test('openDatabase() names host, port and database when the server refuses', async () => {
  try {
    await openDatabase('postgres://postgres:hunter22@127.0.0.1:1/nodb')
    assert.unreachable()
  } catch (e) {
    assert.instance(e, ConnectionError)
    assert.match((e as Error).message, 'Cannot connect to PostgreSQL at 127.0.0.1:1, database "nodb": connection refused')
    assert.not.match((e as Error).message, 'hunter22')
  }
})

test.run()
