/**
 * Issue 14, item 9: what sqlmig does not model is read (SchemaModel.unmodelled) on both targets,
 * extension members left out, and a difference in it is a change with no SQL: a line saying
 * sqlmig does not model it, so `check` cannot pass silently.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { compareModels } from '../../src/schema/compare.ts'
import { introspect } from '../../src/schema/introspect.ts'
import { emptyModel, type SchemaModel } from '../../src/schema/model.ts'
import { planMigration } from '../../src/schema/render.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

/** One of every kind both targets can create without C code of its own (built-in C functions serve). */
const OBJECTS = [
  `create extension hstore`,
  `create function my_cmp(int, int) returns int language sql immutable as 'select case when $1 < $2 then -1 when $1 > $2 then 1 else 0 end'`,
  `create operator class my_int_ops for type int using btree as operator 1 <, operator 2 <=, operator 3 =, operator 4 >=, operator 5 >, function 1 my_cmp(int, int)`,
  `create operator family my_fam using hash`,
  `create text search template my_tmpl (init = dsimple_init, lexize = dsimple_lexize)`,
  `create text search parser my_prs (start = prsd_start, gettoken = prsd_nexttoken, end = prsd_end, lextypes = prsd_lextype, headline = prsd_headline)`,
  `create table t (a int, b int)`,
  `create statistics t_ab on a, b from t`,
  `create conversion my_conv for 'LATIN1' to 'UTF8' from iso8859_1_to_utf8`,
  `create access method my_am type table handler heap_tableam_handler`,
  `create language my_lang handler plpgsql_call_handler`,
  `select lo_create(0)`,
  `create collation my_coll (provider = icu, locale = 'und')`,
  `alter collation my_coll owner to pg_monitor`,
  `create foreign data wrapper my_fdw`,
  `grant usage on foreign data wrapper my_fdw to pg_monitor`,
  `create server my_srv foreign data wrapper my_fdw`,
  `alter server my_srv owner to pg_monitor`,
  `create foreign table ft (a int check (a > 0), b int) inherits (t) server my_srv`,
  `grant select on ft to pg_monitor`,
]

const EXPECTED = [
  'access method my_am',
  'check constraint ft_a_check of foreign table public.ft',
  'conversion public.my_conv',
  'language my_lang',
  'large objects in the database',
  'operator class public.my_int_ops USING btree',
  'operator family public.my_fam USING hash',
  'owner of collation public.my_coll',
  'owner of foreign server my_srv',
  'parent of foreign table public.ft',
  'privileges of foreign data wrapper my_fdw',
  'privileges of foreign table public.ft',
  'statistics object public.t_ab',
  'text search parser public.my_prs',
  'text search template public.my_tmpl',
]

async function modelWith(kind: 'pglite' | 'postgres', statements: string[]): Promise<SchemaModel> {
  const t = await newTarget(kind)
  const db = await openDatabase(t.url, { pgliteExtensions: ['hstore'] })
  try {
    for (const s of statements) await db.exec(s)
    return await introspect(db)
  } finally {
    await db.close()
    await t.cleanup()
  }
}

for (const kind of await targetKinds()) {
  test(`${kind}: introspect() records the objects and attributes sqlmig does not model, not an extension's operator classes`, async () => {
    const m = await modelWith(kind, OBJECTS)
    assert.equal(Object.keys(m.unmodelled ?? {}).sort(), EXPECTED)
    assert.is(m.unmodelled!['owner of collation public.my_coll']!.value, 'pg_monitor')
    assert.is(m.unmodelled!['large objects in the database']!.value, '1')
    assert.match(m.unmodelled!['operator class public.my_int_ops USING btree']!.value!, 'FUNCTION 1 public.my_cmp(integer,integer)')
    // hstore's own operator classes (gist_hstore_ops...) are its members: not reported.
    assert.not.ok(Object.keys(m.unmodelled!).some((k) => k.includes('hstore')))
    // Nothing of the kind: nothing recorded (the owner of a default-owned object is not a finding).
    const plain = await modelWith(kind, ['create collation c2 (provider = icu, locale = \'und\')', 'create table t2 (a int)'])
    assert.equal(plain.unmodelled, {})
  })

  test(`${kind}: a difference in what is not modelled is a change with no SQL, a comment in both directions, and a compareModels() difference`, async () => {
    const declared = await modelWith(kind, OBJECTS.slice(0, 4))
    const replayed = await modelWith(kind, OBJECTS.slice(0, 2))
    const plan = planMigration(replayed, declared)
    assert.equal(plan.detected, [
      'sqlmig does not model operator class public.my_int_ops USING btree (added): write it by hand',
      'sqlmig does not model operator family public.my_fam USING hash (added): write it by hand',
    ])
    assert.equal(plan.upStatements, [])
    assert.is(plan.up, '-- sqlmig does not model operator class public.my_int_ops USING btree (added): write it by hand\n\n-- sqlmig does not model operator family public.my_fam USING hash (added): write it by hand\n')
    assert.match(plan.down, '-- sqlmig does not model operator class public.my_int_ops USING btree (removed): write it by hand')
    assert.ok(plan.changes.every((c) => c.kind === 'not modelled' && c.unmodelled === true && c.sql.length === 0))
    assert.equal(compareModels(replayed, declared).map((d) => `${d.kind}: ${d.name}: ${d.what}`), [
      'not modelled: operator class public.my_int_ops USING btree: only in second',
      'not modelled: operator family public.my_fam USING hash: only in second',
    ])
  })
}

if ((await targetKinds()).includes('postgres')) {
  test('postgres: a subscription of this database is recorded (created without connecting)', async () => {
    const t = await newTarget('postgres')
    const db = await openDatabase(t.url)
    try {
      await db.exec('create publication p')
      await db.exec(`create subscription my_sub connection 'dbname=nowhere' publication p with (connect = false)`)
      assert.ok('subscription my_sub' in ((await introspect(db)).unmodelled ?? {}))
    } finally {
      // A database with a subscription cannot be dropped: detach it from its (never made) slot first.
      await db.exec('alter subscription my_sub set (slot_name = none)').catch(() => {})
      await db.exec('drop subscription if exists my_sub')
      await db.close()
      await t.cleanup()
    }
  })
}

test('an attribute that is not modelled changes: the line gives both values; a long value is only "changed"', () => {
  const owner = (v: string) => ({ ...emptyModel(), unmodelled: { 'owner of collation public.c': { kind: 'collation', name: 'public.c', attribute: 'owner', value: v } } })
  assert.equal(planMigration(owner('a'), owner('b')).detected, ['sqlmig does not model owner of collation public.c (changed: a -> b): write it by hand'])
  assert.equal(planMigration(emptyModel(), owner('b')).detected, ['sqlmig does not model owner of collation public.c (set to b): write it by hand'])
  assert.equal(planMigration(owner('b'), emptyModel()).detected, ['sqlmig does not model owner of collation public.c (b, back to the default): write it by hand'])
  assert.equal(planMigration(owner('x'.repeat(50)), owner('y')).detected, ['sqlmig does not model owner of collation public.c (changed): write it by hand'])
})

test.run()
