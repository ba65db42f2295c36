/** The lint's data: what a statement does to a table (Effect), what a rule reports (Finding), and what the rules see (LintContext). */
import type { LockMode } from './locks.ts'
import type { ParsedStatement } from './parser.ts'
import type { TypeRef } from './nodes.ts'

export type Severity = 'error' | 'warning'
export type RuleSetting = Severity | 'off'

/** What PostgreSQL does to one table when it runs (part of) a statement. */
export interface Effect {
  /** The table as named in the statement ("users", "app.users"); an index's table when known. */
  table: string
  lock: LockMode
  /** The table's data is rewritten into a new file (relfilenode changes). */
  rewrite: boolean
  /** The table is read in full (validation, index build) while the lock is held. */
  scan: boolean
  /** TRUNCATE: a new, empty file (relfilenode changes, no rows copied). */
  empties?: boolean
  /** The part of the statement ("ADD COLUMN email", "CREATE INDEX"). */
  what: string
  /** Why it rewrites, when it may not ("unless the session TimeZone is UTC"). */
  rewriteNote?: string
}

/** One statement as the rules see it. */
export interface LintStatement extends ParsedStatement {
  file: string
  /** Effects on tables that existed before this run (new tables dropped). */
  effects: Effect[]
  /** Every effect, new tables included. */
  allEffects: Effect[]
  /** A number for the transaction it runs in (statements of one transaction share it). */
  transaction: number
  /** The file runs in sqlmig's transaction (or the statement is inside BEGIN ... COMMIT). */
  inTransaction: boolean
}

/** What is known when a statement is checked: objects of the run so far, settings, sizes. */
export interface LintContext {
  /** Tables created earlier in this run (new and empty): no lock or rewrite finding on them. */
  createdTables: Set<string>
  /** Index name → its table (from the schema and the run). */
  indexTables: Map<string, string>
  /** Indexes created in this run. */
  createdIndexes: Set<string>
  /** "table.column" → its type, when known (earlier DDL, the schema). */
  columnTypes: Map<string, TypeRef>
  /** Constraint name → {table, transaction} of an ADD ... NOT VALID in this run. */
  notValid: Map<string, { table: string; transaction: number }>
  /** "table.column" of a validated CHECK (column IS NOT NULL). */
  notNullChecks: Set<string>
  /** CHECK constraint name → "table.column" it proves not null (validated later by VALIDATE). */
  notNullCheckNames: Map<string, string>
  /** Enum values added, with their transaction. */
  enumValues: { type: string; value: string; transaction: number }[]
  /** lock_timeout is set for the statement (header, sqlmig.json, SET). */
  lockTimeout: boolean
  /** lock_timeout outside SET LOCAL: what the next transaction starts with. */
  sessionLockTimeout: boolean
  /** The session TimeZone is known to be UTC (SET TIME ZONE 'UTC' earlier). */
  utc: boolean
  /** Tables with an ACCESS EXCLUSIVE lock in the current transaction so far. */
  exclusiveTables: Set<string>
  /** A DDL statement on an existing table ran earlier in the current transaction. */
  ddlInTransaction: string | undefined
  /** A backfill ran earlier in the current transaction. */
  backfillInTransaction: string | undefined
}

/** What a rule says about a statement (the engine adds place, severity and size). */
export interface RuleHit {
  message: string
  /** The effect the finding is about (lock, rewrite, scan, table). */
  effect?: Effect | undefined
  /** The safe way, as SQL (or a sentence when no SQL fits). */
  advice: string
}

export interface Rule {
  id: string
  severity: Severity
  /** Rewrite/lock findings: a small table (known size below the threshold) makes them warnings. */
  sized: boolean
  /** One line for the README and --help. */
  summary: string
  check: (statement: LintStatement, context: LintContext) => RuleHit[]
}

export interface Finding {
  rule: string
  severity: Severity
  file: string
  line: number
  column: number
  /** The statement text. */
  statement: string
  message: string
  /** The lock PostgreSQL takes, on `table`. */
  lock: LockMode | null
  /** What that lock blocks. */
  blocks: string | null
  rewrite: boolean
  scan: boolean
  table: string | null
  /** Rows in the table, when a database gave them (null: size unknown). */
  rows: number | null
  advice: string
  /** The caret excerpt (statement line and a caret). */
  excerpt: string
  /** Set when a `-- sqlmig-lint: ignore <rule> <reason>` silences the finding. */
  ignored?: { reason: string }
}
