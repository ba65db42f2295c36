/**
 * One step of a generated migration. Each per-kind diff returns Changes; the planner sorts them
 * by `phase` (then `order`, then emission order), which is how dependencies are respected:
 * dependents are dropped first, then containers created, then contents, then dependents
 * re-created, and whole objects dropped last.
 */

export type ObjectKind =
  | 'schema' | 'extension' | 'enum' | 'domain' | 'sequence' | 'table' | 'column' | 'constraint'
  | 'index' | 'view' | 'materialized view' | 'function' | 'procedure' | 'trigger' | 'policy'
  | 'row security' | 'comment' | 'composite type' | 'privileges' | 'default privileges' | 'range type' | 'aggregate' | 'collation' | 'rule' | 'event trigger'
  | 'publication' | 'foreign data wrapper' | 'foreign server' | 'user mapping' | 'foreign table'
  | 'text search dictionary' | 'text search configuration' | 'cast' | 'operator'
  /** Something sqlmig does not model (diff/unmodelled.ts): reported, no SQL. */
  | 'not modelled'

export type ChangeAction = 'add' | 'remove' | 'change'

export interface Change {
  kind: ObjectKind
  action: ChangeAction
  /** Display name, e.g. `public.users.email`. */
  name: string
  /** Alembic-style line ("Detected added column public.users.email"); empty for follow-up steps. */
  detected: string
  /** Statements, each without the trailing semicolon. */
  sql: string[]
  phase: number
  /** Position within the phase (topological rank for views); lower runs first. */
  order?: number
  /** True when a statement can lose data: rendered under a `-- WARNING: destructive` line. */
  destructive?: boolean
  /** Extra comment lines rendered above the SQL (without the leading "-- "). */
  notes?: string[]
  /** True for a difference sqlmig cannot write (kind 'not modelled'): the migration needs it by hand. */
  unmodelled?: boolean
}

/** Phases, in the order their statements run. */
export const PHASE = {
  dropRule: 9,
  dropView: 10,
  dropTrigger: 11,
  dropPolicy: 12,
  dropForeignKey: 13,
  dropIndex: 14,
  dropConstraint: 15,
  dropDefault: 16,
  dropChangedFunction: 17,
  revokeDefaultPrivileges: 18,
  createSchema: 20,
  createExtension: 21,
  enumStart: 22,
  createDomain: 23,
  createSequence: 24,
  createFunction: 25,
  unmodelledObject: 26,
  createTable: 30,
  addColumn: 31,
  alterColumn: 32,
  dropColumn: 33,
  sequenceOwner: 34,
  alterTable: 35,
  addConstraint: 40,
  createIndex: 41,
  addForeignKey: 42,
  createLateFunction: 45,
  createView: 50,
  createTrigger: 51,
  rowSecurity: 52,
  createPolicy: 53,
  comment: 60,
  privileges: 62,
  grantDefaultPrivileges: 63,
  unmodelledAttribute: 64,
  dropTable: 70,
  dropSequence: 71,
  dropFunction: 72,
  enumFinish: 73,
  dropDomain: 74,
  dropEnum: 75,
  dropExtension: 76,
  dropSchema: 77,
} as const

/** `"Detected added table public.users"` and friends. */
export function detectedLine(action: ChangeAction, kind: ObjectKind, name: string, what?: string): string {
  const verb = action === 'add' ? 'added' : action === 'remove' ? 'removed' : 'changed'
  return `Detected ${verb} ${kind} ${name}${what ? ` (${what})` : ''}`
}
