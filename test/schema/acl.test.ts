import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UnsupportedOnTargetError } from '../../src/errors.ts'
import { compareModels } from '../../src/schema/compare.ts'
import { aclStatements, afterOwnerChange } from '../../src/schema/diff/acl.ts'
import type { Change } from '../../src/schema/diff/change.ts'
import type { SchemaModel } from '../../src/schema/model.ts'
import { assertRunsOn, modelForTarget } from '../../src/schema/postgres-target.ts'

const on = { on: 'ON TABLE public.t', owner: 'CURRENT_USER' }

test('aclStatements() grants and revokes the difference, grant options included', () => {
  const r = aclStatements(['OWNER=SELECT', 'a=SELECT*', 'b=INSERT'], ['OWNER=SELECT', 'a=SELECT', 'b=INSERT', 'b=UPDATE*'], on)
  assert.equal(r.revokes, ['REVOKE GRANT OPTION FOR SELECT ON TABLE public.t FROM a'])
  assert.equal(r.grants, ['GRANT UPDATE ON TABLE public.t TO b WITH GRANT OPTION'])
})

test('aclStatements() re-grants from the first misplaced grantee so the ACL order comes out as declared', () => {
  const r = aclStatements(['OWNER=SELECT', 'a=SELECT'], ['OWNER=SELECT', 'b=SELECT', 'a=SELECT'], on)
  assert.equal(r.revokes, ['REVOKE SELECT ON TABLE public.t FROM a'])
  assert.equal(r.grants, ['GRANT SELECT ON TABLE public.t TO b', 'GRANT SELECT ON TABLE public.t TO a'])
})

test('aclStatements() leaves out privileges the migrated server does not know (MAINTAIN on 15)', () => {
  const r = aclStatements(['OWNER=SELECT'], ['OWNER=SELECT', 'OWNER=MAINTAIN', 'a=SELECT'], { ...on, known: new Set(['SELECT']) })
  assert.equal(r.grants, ['GRANT SELECT ON TABLE public.t TO a'])
})

test('afterOwnerChange() merges the new owner\'s own grants into the owner entry', () => {
  assert.equal(afterOwnerChange(['OWNER=SELECT', 'r=UPDATE', 'w=INSERT'], 'CURRENT_USER', 'r'), ['OWNER=SELECT', 'OWNER=UPDATE', 'w=INSERT'])
})

const ALL_18 = ['OWNER=INSERT', 'OWNER=SELECT', 'OWNER=UPDATE', 'OWNER=DELETE', 'OWNER=TRUNCATE', 'OWNER=REFERENCES', 'OWNER=TRIGGER', 'OWNER=MAINTAIN']
const withAcl = (acl: string[]): SchemaModel => ({
  schemas: {}, extensions: {}, enums: {}, domains: {}, sequences: {}, functions: {}, views: {}, tables: {},
  security: { 'TABLE public.t': { type: 'TABLE', name: 'public.t', owner: 'CURRENT_USER', acl, columns: {}, baseline: ALL_18 } },
} as unknown as SchemaModel)

test('compareModels() ignores MAINTAIN (PostgreSQL 17+) when comparing for an older version, not for 17', () => {
  const pg18 = withAcl([...ALL_18, ...ALL_18.map((e) => e.replace('OWNER', 'PUBLIC'))])
  const pg15 = withAcl([...ALL_18, ...ALL_18.filter((e) => !e.endsWith('MAINTAIN')).map((e) => e.replace('OWNER', 'PUBLIC'))])
  assert.equal(compareModels(pg18, pg15, { postgresVersion: 15 }), [])
  assert.is(compareModels(pg18, pg15, { postgresVersion: 17 }).length, 1)
  assert.not.ok(JSON.stringify(modelForTarget(pg18, 16)).includes('MAINTAIN'))
})

const change = (kind: Change['kind'], name: string, sql: string): Change => ({ kind, action: 'add', name, detected: '', sql: [sql], phase: 0 })

test('assertRunsOn() names the object, the feature and the version it needs; literals and bodies do not count', () => {
  const cases: [Change, number][] = [
    [change('constraint', 'public.u.u_a_key', 'ALTER TABLE public.u ADD CONSTRAINT u_a_key UNIQUE NULLS NOT DISTINCT (a)'), 15],
    [change('index', 'public.u_i', 'CREATE UNIQUE INDEX u_i ON public.u USING btree (a) NULLS NOT DISTINCT'), 15],
    [change('column', 'public.t.g', 'ALTER TABLE public.t ALTER COLUMN g SET EXPRESSION AS (a + 1)'), 17],
    [change('column', 'public.t.v', 'ALTER TABLE public.t ADD COLUMN v integer GENERATED ALWAYS AS ((a * 2)) VIRTUAL'), 18],
    [change('privileges', 'table public.t', 'GRANT SELECT, MAINTAIN ON TABLE public.t TO PUBLIC'), 17],
  ]
  for (const [c, needs] of cases) {
    assertRunsOn([c], needs)
    try {
      assertRunsOn([c], needs - 1)
      assert.unreachable(c.sql[0])
    } catch (error) {
      assert.instance(error, UnsupportedOnTargetError)
      const e = error as UnsupportedOnTargetError
      assert.is(e.code, 'UNSUPPORTED_ON_TARGET')
      assert.equal(e.features.map((f) => [f.kind, f.name, f.needs]), [[c.kind, c.name, needs]])
      assert.match(e.message, `${c.kind} ${c.name} uses`)
      assert.match(e.message, `needs PostgreSQL ${needs}`)
    }
  }
  assertRunsOn([change('function', 'public.f()', "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$select 'NULLS NOT DISTINCT'$$")], 13)
  assertRunsOn([change('comment', 'public.t', "COMMENT ON TABLE public.t IS 'GENERATED ALWAYS AS (x) VIRTUAL; NULLS NOT DISTINCT'")], 13)
})

test.run()
