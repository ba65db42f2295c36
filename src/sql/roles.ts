/**
 * The roles SQL text refers to (owners, GRANT/REVOKE grantees and granted roles, policies `TO`,
 * default privileges `FOR ROLE`, schema AUTHORIZATION, ALTER/COMMENT ON ROLE), minus the ones
 * it creates itself: what a throwaway embedded shadow must create (NOLOGIN) before loading it.
 * Over-approximates on purpose: an extra role in a throwaway database is harmless, a missing
 * one fails the load. PUBLIC, CURRENT_USER, SESSION_USER, CURRENT_ROLE and pg_* are never listed.
 */
import { isKeyword, isName, type SqlWord, statementWords } from './sql-words.ts'

const NOT_ROLES = new Set(['public', 'current_user', 'session_user', 'current_role', 'group', 'user', 'role', 'all', 'none'])

/** Where a role list ends. */
const LIST_END = new Set(['with', 'granted', 'cascade', 'restrict', 'using', 'in', 'grant', 'revoke', 'on', 'to', 'from', 'server', 'options', 'set', 'reset', 'rename', 'valid', 'login', 'nologin'])

export interface RoleNames {
  /** Roles the text names (not those it creates). */
  referenced: string[]
  /** Roles the text creates (CREATE ROLE/USER/GROUP). */
  created: string[]
}

export function roleNames(sql: string): RoleNames {
  const referenced = new Set<string>()
  const created = new Set<string>()
  if (!/\b(owner|grant|revoke|policy|privileges|authorization|role|user|group)\b/i.test(sql)) return { referenced: [], created: [] }
  for (const w of statementWords(sql)) scanStatement(w, referenced, created)
  for (const r of created) referenced.delete(r)
  return { referenced: [...referenced], created: [...created] }
}

/** The referenced roles of several texts, minus those any of them creates. */
export function referencedRoles(texts: readonly string[]): string[] {
  const referenced = new Set<string>()
  const created = new Set<string>()
  for (const t of texts) {
    const r = roleNames(t)
    for (const x of r.referenced) referenced.add(x)
    for (const x of r.created) created.add(x)
  }
  return [...referenced].filter((r) => !created.has(r))
}

function isRole(w: SqlWord | undefined): w is SqlWord {
  return isName(w) && !(w.kind === 'word' && NOT_ROLES.has(w.value)) && !w.value.startsWith('pg_')
}

/** A comma-separated list of role specs starting at `i` (GROUP/ROLE/USER prefixes skipped). */
function roleList(w: SqlWord[], i: number, into: Set<string>): void {
  for (let j = i; j < w.length; j++) {
    const t = w[j]!
    if (t.kind === 'other' && t.value === ',') continue
    if (t.kind === 'word' && (t.value === 'group' || t.value === 'role' || t.value === 'user')) continue
    if (t.kind === 'word' && LIST_END.has(t.value)) return
    if (!isName(t)) return
    if (isRole(t)) into.add(t.value)
    // "name" followed by anything but a comma ends the list.
    const n = w[j + 1]
    if (!(n?.kind === 'other' && n.value === ',')) return
  }
}

/** Index of the first unquoted keyword `k` at parenthesis depth 0, from `i`. */
function topLevel(w: SqlWord[], k: string, i = 0): number {
  let depth = 0
  for (let j = i; j < w.length; j++) {
    const t = w[j]!
    if (t.kind === 'other' && t.value === '(') depth++
    else if (t.kind === 'other' && t.value === ')') depth--
    else if (depth === 0 && isKeyword(t, k)) return j
  }
  return -1
}

function scanStatement(w: SqlWord[], referenced: Set<string>, created: Set<string>): void {
  for (let i = 0; i < w.length; i++) {
    const t = w[i]!
    if (t.kind !== 'word') continue
    const n = w[i + 1]
    // ... OWNER TO r, CREATE SCHEMA ... AUTHORIZATION r, SET SESSION AUTHORIZATION r
    if (t.value === 'owner' && isKeyword(n, 'to')) roleList(w, i + 2, referenced)
    else if (t.value === 'authorization') roleList(w, i + 1, referenced)
    // ALTER DEFAULT PRIVILEGES FOR ROLE r, s ...
    else if (t.value === 'for' && (isKeyword(n, 'role') || isKeyword(n, 'user')) && isKeyword(w[i - 1], 'privileges')) roleList(w, i + 2, referenced)
    // CREATE USER MAPPING FOR r SERVER s
    else if (t.value === 'mapping' && isKeyword(n, 'for')) roleList(w, i + 2, referenced)
    // REASSIGN OWNED BY r TO s, DROP OWNED BY r
    else if (t.value === 'owned' && isKeyword(n, 'by') && (isKeyword(w[0], 'reassign') || isKeyword(w[0], 'drop'))) roleList(w, i + 2, referenced)
    else if (t.value === 'grant' || t.value === 'revoke') grantOrRevoke(w, i, referenced)
    else if (t.value === 'policy' && i > 0 && (isKeyword(w[i - 1], 'create') || isKeyword(w[i - 1], 'alter'))) {
      const to = topLevel(w, 'to', i)
      if (to >= 0) roleList(w, to + 1, referenced)
    } else if ((t.value === 'role' || t.value === 'user' || t.value === 'group') && i > 0 && !isKeyword(n, 'mapping')) {
      const before = w[i - 1]!
      if (isKeyword(before, 'create') && isRole(n)) {
        created.add(n.value)
        // CREATE ROLE r IN ROLE a, ADMIN b, ROLE c, USER d
        for (let j = i + 2; j < w.length; j++) {
          if (isKeyword(w[j], 'in') && (isKeyword(w[j + 1], 'role') || isKeyword(w[j + 1], 'group'))) roleList(w, j + 2, referenced)
          else if (isKeyword(w[j], 'admin') || isKeyword(w[j], 'role') || isKeyword(w[j], 'user')) roleList(w, j + 1, referenced)
        }
        return
      }
      // ALTER ROLE r ..., COMMENT ON ROLE r, GRANT ... TO ROLE r is handled by roleList
      if ((isKeyword(before, 'alter') || isKeyword(before, 'on')) && isRole(n)) referenced.add(n.value)
    }
  }
}

/**
 * GRANT privileges ON object TO roles / GRANT roles TO roles; REVOKE ... FROM roles. Without
 * ON, the granted items are roles too.
 */
function grantOrRevoke(w: SqlWord[], i: number, referenced: Set<string>): void {
  const grant = w[i]!.value === 'grant'
  const target = topLevel(w, grant ? 'to' : 'from', i + 1)
  if (target < 0) return
  roleList(w, target + 1, referenced)
  const on = topLevel(w, 'on', i + 1)
  if (on >= 0 && on < target) return
  // A role grant: GRANT a, b TO c / REVOKE [ADMIN OPTION FOR] a FROM c.
  let j = i + 1
  while (j < target && !isName(w[j])) j++
  if (isKeyword(w[j], 'admin') || isKeyword(w[j], 'inherit') || isKeyword(w[j], 'set')) {
    const f = topLevel(w, 'for', j)
    if (f >= 0 && f < target) j = f + 1
  }
  roleList(w, j, referenced)
}
