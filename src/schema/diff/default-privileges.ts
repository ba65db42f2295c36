/**
 * ALTER DEFAULT PRIVILEGES. What a change takes away runs before anything is created and what
 * it adds runs after everything is created, so objects created by the same migration start with
 * only the default privileges both sides agree on (privileges.ts counts on that).
 */
import type { DefaultPrivilegeInfo } from '../model.ts'
import { aclStatements } from './acl.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { knownPrivileges } from './privileges.ts'

const WORD: Record<string, string> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES', n: 'SCHEMAS' }
/** The GRANT ... ON word of objects of each kind (to look up the privileges the server knows). */
const OBJECT_WORD: Record<string, string> = { r: 'TABLE', S: 'SEQUENCE', f: 'FUNCTION', T: 'TYPE', n: 'SCHEMA' }

function prefix(d: DefaultPrivilegeInfo): string {
  const role = d.role === 'CURRENT_USER' ? '' : `FOR ROLE ${d.role} `
  const schema = d.schema ? `IN SCHEMA ${d.schema} ` : ''
  return `ALTER DEFAULT PRIVILEGES ${role}${schema}`
}

export function diffDefaultPrivileges(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const from = ctx.from.defaultPrivileges ?? {}
  const to = ctx.to.defaultPrivileges ?? {}
  const known = knownPrivileges(ctx)
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const a = from[key]
    const b = to[key]
    const d = (b ?? a)!
    const { revokes, grants } = aclStatements(a?.acl ?? b!.baseline, b?.acl ?? a!.baseline, { on: `ON ${WORD[d.objtype]}`, owner: d.role, prefix: prefix(d), known: known.get(OBJECT_WORD[d.objtype]!) })
    if (revokes.length + grants.length === 0) continue
    const name = `${d.role}${d.schema ? ` in schema ${d.schema}` : ''} on ${WORD[d.objtype]!.toLowerCase()}`
    const detected = detectedLine(!a ? 'add' : !b ? 'remove' : 'change', 'default privileges', name)
    if (revokes.length) out.push({ kind: 'default privileges', action: 'change', name, detected, sql: revokes, phase: PHASE.revokeDefaultPrivileges })
    if (grants.length) out.push({ kind: 'default privileges', action: 'change', name, detected: revokes.length ? '' : detected, sql: grants, phase: PHASE.grantDefaultPrivileges })
  }
  return out
}
