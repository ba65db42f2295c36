import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { aclStatements, afterOwnerChange } from '../../src/schema/diff/acl.ts'

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

test.run()
