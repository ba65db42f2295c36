/**
 * Writing SQL for the PostgreSQL version a project targets (issue 14, item 7). The shadow
 * databases may be newer (PGlite is PostgreSQL 18): what they report that an older server does
 * not have is left out (MAINTAIN, PostgreSQL 17+, in ACLs), and a change that needs syntax the
 * target lacks is an UnsupportedOnTargetError naming the object, the feature and the version
 * needed. Pure: the caller decides the version (src/commands/postgres-target.ts) and passes it in.
 */
import { UnsupportedOnTargetError } from '../errors.ts'
import type { Change } from './diff/change.ts'
import type { SchemaModel } from './model.ts'

/** Where the target version came from. */
export type PostgresTargetSource = 'sqlmig.json' | 'server' | 'default'

/** The PostgreSQL major version generated SQL must run on. */
export interface PostgresTarget {
  major: number
  source: PostgresTargetSource
}

/** The oldest PostgreSQL major version sqlmig supports: the target when nothing says otherwise. */
export const OLDEST_POSTGRES = 13

/** Privileges (aclexplode names) by the first major version that has them. */
const PRIVILEGE_SINCE: Record<string, number> = { MAINTAIN: 17 }

const privilegeKnown = (entry: string, major: number) => (PRIVILEGE_SINCE[entry.replace(/\*$/, '').slice(entry.lastIndexOf('=') + 1)] ?? 0) <= major

/**
 * The model as a server of `major` would hold it: ACL entries of privileges that version does not
 * have are dropped (on both sides of a comparison, so a PostgreSQL 18 shadow's MAINTAIN is no
 * difference from a PostgreSQL 15 database, and `GRANT ALL` renders as that version's list).
 */
export function modelForTarget(model: SchemaModel, major: number): SchemaModel {
  if (major >= 17 || (!model.security && !model.defaultPrivileges)) return model
  const keep = (acl: string[]) => acl.filter((e) => privilegeKnown(e, major))
  const out: SchemaModel = { ...model }
  if (model.security) {
    out.security = Object.fromEntries(Object.entries(model.security).map(([k, s]) => [k, {
      ...s,
      acl: keep(s.acl),
      baseline: keep(s.baseline),
      columns: Object.fromEntries(Object.entries(s.columns).map(([c, acl]) => [c, keep(acl)])),
    }]))
  }
  if (model.defaultPrivileges) {
    out.defaultPrivileges = Object.fromEntries(Object.entries(model.defaultPrivileges).map(([k, d]) => [k, { ...d, acl: keep(d.acl), baseline: keep(d.baseline) }]))
  }
  return out
}

interface Feature {
  /** What the message calls it. */
  feature: string
  needs: number
  /** Matches a statement with quoted literals and dollar-quoted bodies blanked out. */
  pattern: RegExp
  /** Only statements of these kinds (default: all). */
  kinds?: readonly string[]
}

/** Syntax autogenerate may write, by the first major version that accepts it. */
const FEATURES: readonly Feature[] = [
  { feature: 'COMPRESSION (column compression method)', needs: 14, pattern: /\bCOMPRESSION\s+("?(pglz|lz4|default)"?)\b/i },
  { feature: 'CREATE OR REPLACE TRIGGER', needs: 14, pattern: /\bCREATE\s+OR\s+REPLACE\s+(CONSTRAINT\s+)?TRIGGER\b/i },
  { feature: 'BEGIN ATOMIC (SQL-standard function body)', needs: 14, pattern: /\bBEGIN\s+ATOMIC\b/i, kinds: ['function', 'procedure'] },
  { feature: 'NULLS NOT DISTINCT', needs: 15, pattern: /\bNULLS\s+NOT\s+DISTINCT\b/i },
  { feature: 'security_invoker (view option)', needs: 15, pattern: /\bsecurity_invoker\b/i, kinds: ['view', 'materialized view'] },
  { feature: 'FOR TABLES IN SCHEMA (publication)', needs: 15, pattern: /\bTABLES\s+IN\s+SCHEMA\b/i, kinds: ['publication'] },
  { feature: 'ALTER COLUMN ... SET EXPRESSION', needs: 17, pattern: /\bALTER\s+COLUMN\s+\S+\s+SET\s+EXPRESSION\b/i },
  { feature: 'the MAINTAIN privilege', needs: 17, pattern: /^(ALTER\s+DEFAULT\s+PRIVILEGES\b.*\s)?(GRANT|REVOKE)\b.*\bMAINTAIN\b/is },
  { feature: 'VIRTUAL generated columns', needs: 18, pattern: /\bGENERATED\s+ALWAYS\s+AS\s*\([\s\S]*\)\s*VIRTUAL\b/i },
  { feature: 'WITHOUT OVERLAPS (temporal key)', needs: 18, pattern: /\bWITHOUT\s+OVERLAPS\b/i },
  { feature: 'PERIOD (temporal foreign key)', needs: 18, pattern: /\bREFERENCES\b[\s\S]*\(\s*[\s\S]*\bPERIOD\s/i, kinds: ['constraint'] },
  { feature: 'NOT ENFORCED constraints', needs: 18, pattern: /\bNOT\s+ENFORCED\b/i },
]

/** The statement without the contents of string literals, quoted identifiers and dollar-quoted bodies. */
function codeOnly(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, "''")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
}

/** Each change's use of syntax newer than `major` (empty: all of it runs there). */
export function newerFeatures(changes: Change[], major: number): UnsupportedOnTargetError['features'] {
  const found: UnsupportedOnTargetError['features'] = []
  const seen = new Set<string>()
  const note = (kind: Change['kind'], name: string, code: string) => {
    for (const f of FEATURES) {
      if (f.needs <= major || (f.kinds && !f.kinds.includes(kind)) || !f.pattern.test(code)) continue
      const key = `${kind} ${name} ${f.feature}`
      if (seen.has(key)) continue
      seen.add(key)
      found.push({ kind, name, feature: f.feature, needs: f.needs })
    }
  }
  for (const c of changes) {
    for (const s of c.sql) {
      // A CREATE TABLE declares its keys and checks inline (one "CONSTRAINT name ..." line each): name the constraint.
      const lines = c.kind === 'table' && c.action === 'add' ? s.split('\n') : []
      const inline = lines.filter((l) => /^\s+CONSTRAINT\s/.test(l))
      for (const line of inline) note('constraint', `${c.name}.${/^\s+CONSTRAINT\s+("(?:[^"]|"")*"|\S+)/.exec(line)![1]}`, codeOnly(line))
      note(c.kind, c.name, codeOnly(inline.length ? lines.filter((l) => !inline.includes(l)).join('\n') : s))
    }
  }
  return found
}

/** Throws UnsupportedOnTargetError when any change needs a newer server than `major`. */
export function assertRunsOn(changes: Change[], major: number): void {
  const found = newerFeatures(changes, major)
  if (found.length === 0) return
  const line = (f: (typeof found)[number]) => `${f.kind} ${f.name} uses ${f.feature}, which needs PostgreSQL ${f.needs}`
  const needs = Math.max(...found.map((f) => f.needs))
  throw new UnsupportedOnTargetError(
    `Cannot write this migration for PostgreSQL ${major}: ${line(found[0]!)}${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}`,
    major,
    found,
    {
      detail: found.length > 1 ? found.map((f) => `  ${line(f)}`).join('\n') : undefined,
      hint: `Change the declared schema so it does not need PostgreSQL ${needs}, or, if every server the project runs on is PostgreSQL ${needs} or newer, set "postgresVersion": "${needs}" in sqlmig.json`,
    },
  )
}
