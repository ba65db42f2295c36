/**
 * Owners and privileges of objects: ALTER ... OWNER TO, then REVOKE, then GRANT, once every
 * object exists (late phase). An object created (or dropped and re-created) by this migration
 * starts as PostgreSQL makes it: owned by the role running the migration, with the built-in
 * default ACL plus the default privileges (ALTER DEFAULT PRIVILEGES) in force at that point.
 */
import type { SchemaModel, SecurityInfo } from '../model.ts'
import { aggregateChanged } from './aggregates.ts'
import { afterOwnerChange, aclOf, aclStatements, levelsOf, maxLevels, minLevels } from './acl.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { columnNeedsRecreate, type DiffContext } from './context.ts'

/** pg_default_acl.defaclobjtype of an object type word. */
const OBJTYPE: Record<string, string> = {
  TABLE: 'r', VIEW: 'r', 'MATERIALIZED VIEW': 'r', SEQUENCE: 'S', FUNCTION: 'f', PROCEDURE: 'f', AGGREGATE: 'f', TYPE: 'T', DOMAIN: 'T', SCHEMA: 'n',
}

/** The GRANT ... ON clause for an object. */
export function grantOn(s: Pick<SecurityInfo, 'type' | 'name'>): string {
  const word = s.type === 'VIEW' || s.type === 'MATERIALIZED VIEW' ? 'TABLE' : s.type === 'AGGREGATE' ? 'FUNCTION' : s.type
  return `ON ${word} ${s.name}`
}

/** The schema part of a quoted qualified name. */
export function schemaOf(name: string): string {
  return /^("(?:[^"]|"")*"|[^."]+)\./.exec(name)?.[1] ?? ''
}

/** The ACL a new object gets when the migration creates it (run as CURRENT_USER). */
function creationAcl(ctx: DiffContext, s: SecurityInfo): string[] {
  const type = OBJTYPE[s.type]
  const entry = (m: SchemaModel, schema: string) => m.defaultPrivileges?.[`CURRENT_USER ${schema} ${type}`]
  const [ga, gb] = [entry(ctx.from, ''), entry(ctx.to, '')]
  // Removed default privileges are revoked before anything is created, added ones granted after.
  let acl = ga || gb ? minLevels(levelsOf(ga?.acl ?? gb!.baseline), levelsOf(gb?.acl ?? ga!.baseline)) : levelsOf(s.baseline)
  if (s.type !== 'SCHEMA') {
    const [sa, sb] = [entry(ctx.from, schemaOf(s.name)), entry(ctx.to, schemaOf(s.name))]
    acl = maxLevels(acl, minLevels(levelsOf(sa?.acl ?? []), levelsOf(sb?.acl ?? [])))
  }
  return aclOf(acl)
}

/** Per GRANT object word, the privileges the migrated server grants an owner by default. */
export function knownPrivileges(ctx: DiffContext): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>()
  for (const s of Object.values(ctx.from.security ?? {})) {
    const word = grantOn(s).split(' ')[1]!
    if (!known.has(word)) known.set(word, new Set(s.baseline.map((e) => e.replace(/\*$/, '').slice(e.lastIndexOf('=') + 1))))
  }
  return known
}

/** True when this migration creates the object (or drops and re-creates it). */
function isFresh(ctx: DiffContext, s: SecurityInfo, key: string): boolean {
  if (!ctx.from.security?.[key]) return true
  switch (s.type) {
    case 'VIEW': case 'MATERIALIZED VIEW': return ctx.recreatedViews.has(s.name)
    case 'FUNCTION': case 'PROCEDURE': return ctx.recreatedFunctions.has(s.name)
    case 'AGGREGATE': {
      const [a, b] = [ctx.from.aggregates?.[s.name], ctx.to.aggregates?.[s.name]]
      return !a || !b || aggregateChanged(a, b)
    }
    case 'TYPE': {
      const [a, b] = [ctx.from.ranges?.[s.name], ctx.to.ranges?.[s.name]]
      const rangeChanged = (a || b) && JSON.stringify({ ...a, comment: null }) !== JSON.stringify({ ...b, comment: null })
      return ctx.rebuiltEnums.has(s.name) || rangeChanged === true
    }
    case 'DOMAIN': {
      const [a, b] = [ctx.from.domains[s.name], ctx.to.domains[s.name]]
      return !a || !b || a.type !== b.type || a.collation !== b.collation
    }
    default: return false
  }
}

/** True when the column is created (or re-created) by this migration. */
function freshColumn(ctx: DiffContext, s: SecurityInfo, column: string): boolean {
  if (s.type !== 'TABLE') return false
  const [a, b] = [ctx.from.tables[s.name], ctx.to.tables[s.name]]
  const ca = a?.columns.find((c) => c.name === column)
  const cb = b?.columns.find((c) => c.name === column)
  return !ca || !cb || columnNeedsRecreate(ca, cb) || ctx.rebuiltColumns.get(s.name)?.has(column) === true
}

function objectChange(ctx: DiffContext, key: string, b: SecurityInfo, known: Map<string, Set<string>>): Change | undefined {
  const fresh = isFresh(ctx, b, key)
  const a = fresh ? undefined : ctx.from.security?.[key]
  const fromOwner = a?.owner ?? 'CURRENT_USER'
  const sql: string[] = []
  const what: string[] = []
  if (fromOwner !== b.owner) {
    sql.push(`ALTER ${b.type} ${b.name} OWNER TO ${b.owner}`)
    what.push('owner')
  }
  const target = { on: grantOn(b), owner: b.owner, known: known.get(grantOn(b).split(' ')[1]!) }
  const fromAcl = afterOwnerChange(a ? a.acl : creationAcl(ctx, b), fromOwner, b.owner)
  const { revokes, grants } = aclStatements(fromAcl, b.acl, target)
  const columns = new Set([...Object.keys(a?.columns ?? {}), ...Object.keys(b.columns)])
  const colRevokes: string[] = []
  const colGrants: string[] = []
  for (const c of columns) {
    const was = a && !freshColumn(ctx, b, c) ? afterOwnerChange(a.columns[c] ?? [], fromOwner, b.owner) : []
    const st = aclStatements(was, b.columns[c] ?? [], { ...target, columns: ` (${c})` })
    colRevokes.push(...st.revokes)
    colGrants.push(...st.grants)
  }
  if (revokes.length + grants.length + colRevokes.length + colGrants.length > 0) what.push('privileges')
  sql.push(...revokes, ...colRevokes, ...grants, ...colGrants)
  if (sql.length === 0) return undefined
  const name = `${b.type.toLowerCase()} ${b.name}`
  return {
    kind: 'privileges', action: 'change', name, detected: fresh ? '' : detectedLine('change', 'privileges', name, what.join(', ')),
    sql, phase: PHASE.privileges,
    // Tables before sequences: ALTER TABLE ... OWNER TO also moves the sequences the table owns.
    order: b.type === 'SEQUENCE' ? 1 : 0,
  }
}

export function diffPrivileges(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const known = knownPrivileges(ctx)
  for (const [key, b] of Object.entries(ctx.to.security ?? {})) {
    const c = objectChange(ctx, key, b, known)
    if (c) out.push(c)
  }
  return out
}
