/**
 * ACL arithmetic on the model's privilege lists (`grantee=PRIVILEGE`, `*` when grantable; see
 * SecurityInfo): levels per grantee and privilege, the GRANT/REVOKE statements between two
 * lists, and the rewrite PostgreSQL itself applies when an object changes owner.
 */

/** 1 = granted, 2 = granted WITH GRANT OPTION. */
export type Levels = Map<string, number>

/** `grantee=PRIV` → level. */
export function levelsOf(acl: string[]): Levels {
  const m: Levels = new Map()
  for (const e of acl) {
    const grantable = e.endsWith('*')
    const k = grantable ? e.slice(0, -1) : e
    m.set(k, Math.max(m.get(k) ?? 0, grantable ? 2 : 1))
  }
  return m
}

/** Back to a list (in the map's order: grantees stay in ACL order). */
export function aclOf(levels: Levels): string[] {
  return [...levels.entries()].map(([k, l]) => (l === 2 ? `${k}*` : k))
}

/** Per key, the lower of two levels (what holds on both sides). */
export function minLevels(a: Levels, b: Levels): Levels {
  const m: Levels = new Map()
  for (const [k, l] of a) {
    const o = b.get(k) ?? 0
    if (Math.min(l, o) > 0) m.set(k, Math.min(l, o))
  }
  return m
}

/** Per key, the higher of two levels. */
export function maxLevels(a: Levels, b: Levels): Levels {
  const m: Levels = new Map(a)
  for (const [k, l] of b) m.set(k, Math.max(m.get(k) ?? 0, l))
  return m
}

/**
 * ALTER ... OWNER TO rewrites the ACL: entries of the new owner merge into the owner's own
 * (which the OWNER token already follows). `newOwner` is the owner token (a quoted name or
 * CURRENT_USER), which is also how that role appears as a grantee.
 */
export function afterOwnerChange(acl: string[], oldOwner: string, newOwner: string): string[] {
  if (oldOwner === newOwner) return acl
  const m: Levels = new Map()
  for (const [k, l] of levelsOf(acl)) {
    const at = k.lastIndexOf('=')
    const grantee = k.slice(0, at)
    const key = grantee === newOwner ? `OWNER=${k.slice(at + 1)}` : k
    m.set(key, Math.max(m.get(key) ?? 0, l))
  }
  return aclOf(m)
}

export interface GrantTarget {
  /** `ON TABLE public.t`, `ON SCHEMA app`, `ON TABLES` (default privileges) ... */
  on: string
  /** Rendered owner, used for the OWNER token. */
  owner: string
  /** Statement prefix (`ALTER DEFAULT PRIVILEGES IN SCHEMA app `) or "". */
  prefix?: string
  /** `(col)` for column privileges. */
  columns?: string
  /**
   * Privileges the migrated server knows (from its own built-in default ACL); others in `to`
   * are left out: MAINTAIN, new in PostgreSQL 17, appears in a PGlite shadow but not on 15.
   */
  known?: Set<string>
}

function grantee(token: string, owner: string): string {
  return token === 'OWNER' ? owner : token
}

const granteeOf = (k: string) => k.slice(0, k.lastIndexOf('='))
const privilegeOf = (k: string) => k.slice(k.lastIndexOf('=') + 1)

/** Grantees in ACL order (pg_dump prints one GRANT per ACL item, in this order). */
export function granteesOf(levels: Levels): string[] {
  return [...new Set([...levels.keys()].map(granteeOf))]
}

/**
 * Statements turning ACL `from` into `to`. PostgreSQL keeps a grantee's ACL item in place while
 * it holds any privilege and appends new grantees at the end; when that would not give the
 * target's order, the grantees from the first misplaced one on are revoked and granted again.
 */
export function aclStatements(from: string[], to: string[], t: GrantTarget): { revokes: string[]; grants: string[] } {
  const a = levelsOf(from)
  const b = levelsOf(to)
  if (t.known) for (const k of [...b.keys()]) if (!t.known.has(privilegeOf(k)) && !a.has(k)) b.delete(k)
  const target = granteesOf(b)
  const kept = granteesOf(a).filter((g) => [...a.keys()].some((k) => granteeOf(k) === g && (b.get(k) ?? 0) > 0))
  const predicted = [...kept, ...target.filter((g) => !kept.includes(g))]
  let i = 0
  while (i < target.length && predicted[i] === target[i]) i++
  const moved = new Set(target.slice(i).filter((g) => kept.includes(g)))
  const revoke = new Map<string, string[]>()
  const revokeOption = new Map<string, string[]>()
  const add = (m: Map<string, string[]>, k: string) => m.set(granteeOf(k), [...(m.get(granteeOf(k)) ?? []), privilegeOf(k)])
  for (const [k, l] of a) {
    const n = moved.has(granteeOf(k)) ? 0 : b.get(k) ?? 0
    if (n === 0) add(revoke, k)
    else if (l === 2 && n === 1) add(revokeOption, k)
  }
  const pre = t.prefix ?? ''
  const privs = (list: string[]) => list.map((p) => `${p}${t.columns ?? ''}`).join(', ')
  const who = (g: string) => grantee(g, t.owner)
  const revokes = [
    ...[...revokeOption].map(([g, p]) => `${pre}REVOKE GRANT OPTION FOR ${privs(p)} ${t.on} FROM ${who(g)}`),
    ...[...revoke].map(([g, p]) => `${pre}REVOKE ${privs(p)} ${t.on} FROM ${who(g)}`),
  ]
  const grants: string[] = []
  for (const g of target) {
    const had = (k: string) => (moved.has(g) ? 0 : a.get(k) ?? 0)
    const keys = [...b.keys()].filter((k) => granteeOf(k) === g)
    const plain = keys.filter((k) => b.get(k) === 1 && had(k) < 1).map(privilegeOf)
    const option = keys.filter((k) => b.get(k) === 2 && had(k) < 2).map(privilegeOf)
    if (plain.length) grants.push(`${pre}GRANT ${privs(plain)} ${t.on} TO ${who(g)}`)
    if (option.length) grants.push(`${pre}GRANT ${privs(option)} ${t.on} TO ${who(g)} WITH GRANT OPTION`)
  }
  return { revokes, grants }
}
