/**
 * The closed sets an error is made of: exit codes (the contract scripts act on), the error
 * codes, and the data each code carries. The classes that carry them live in src/errors.ts.
 */

/** Where in a file an error points (1-based line and column). */
export interface Location {
  file: string
  line?: number
  column?: number
}

/** Exit codes, the contract scripts act on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  pending: 3,
  lockTimeout: 4,
  invalidFiles: 5,
  sigint: 130,
  sigterm: 143,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/**
 * Every code a SqlmigError can have: one closed set, so a hint table (src/commands/hints.ts),
 * a test or a script can switch over it and a typo is a type error.
 */
export type ErrorCode =
  // the command line and configuration
  | 'USAGE'
  // migration files and the revision graph (exit 5)
  | 'NO_VERSIONS_DIR'
  | 'INVALID_MIGRATIONS'
  | 'MISSING_UP_FILE'
  | 'MISSING_DOWN_FILE'
  | 'MISSING_REVISION'
  | 'MISSING_DOWN_REVISION'
  | 'INVALID_REVISION'
  | 'INVALID_REVISION_ID'
  | 'INVALID_HEADER_VALUE'
  | 'UNKNOWN_HEADER_KEY'
  | 'DUPLICATE_HEADER_KEY'
  | 'DUPLICATE_REVISION'
  | 'DUPLICATE_PARENT'
  | 'MISSING_PARENT'
  | 'CYCLE'
  | 'TRANSACTION_CONTROL'
  | 'FILE_CHANGED_WHILE_RUNNING'
  | 'VERSION_TABLE_FAILED'
  | 'UNTRACKED_DATABASE'
  | 'IMPORT_UNMAPPABLE'
  | 'IMPORT_CONFLICT'
  // adopt and baseline: the old tool's version table against the files
  | 'ADOPT_NO_SOURCE'
  | 'ADOPT_AMBIGUOUS'
  | 'ADOPT_DIRTY'
  | 'ADOPT_FAILED_ROW'
  | 'ADOPT_UNMAPPED'
  | 'ADOPT_GAP'
  | 'ALREADY_VERSIONED'
  | 'NOT_IN_TRANSACTION'
  | 'DOWN_NONE_HAS_STATEMENTS'
  | 'VERIFY_REBUILD_FAILED'
  // SQL text that cannot be split (exit 5)
  | 'UNTERMINATED_STRING'
  | 'UNTERMINATED_DOLLAR_QUOTE'
  | 'UNTERMINATED_IDENTIFIER'
  | 'UNTERMINATED_COMMENT'
  | 'PSQL_META_COMMAND'
  | 'NUL_CHARACTER'
  | 'SQL_PARSE_ERROR'
  // revision arguments (exit 2)
  | 'INVALID_TARGET'
  | 'UNKNOWN_REVISION'
  | 'AMBIGUOUS_REVISION'
  | 'MULTIPLE_HEADS'
  | 'NO_REVISIONS'
  | 'NOT_APPLIED'
  | 'AMBIGUOUS_RELATIVE'
  | 'RELATIVE_OUT_OF_RANGE'
  // the database against the files
  | 'APPLIED_REVISION_MISSING'
  | 'CHANGED_MIGRATION'
  // running
  | 'MIGRATION_FAILED'
  | 'IRREVERSIBLE'
  | 'INTERRUPTED'
  | 'LOCK_TIMEOUT'
  | 'DATABASE_ERROR'
  | 'CONNECTION_FAILED'
  // autogenerate, rehearse, backup
  | 'UNSUPPORTED_ON_TARGET'
  | 'EXTENSION_UNAVAILABLE'
  | 'REPLAY_FAILED'
  | 'DECLARED_SCHEMA_FAILED'
  | 'PG_TOOL_MISSING'
  | 'PG_TOOL_TOO_OLD'
  | 'COPY_FAILED'
  | 'BACKUP_FAILED'
  // a fleet rehearse: a target's rehearsal tripped a --fail-on gate or found a down that does not restore the schema
  | 'REHEARSE_FLAGGED'
  // a bug
  | 'INTERNAL'

/**
 * The data an error of a code carries, for the command layer to word its hint from (and for
 * `--json` and library callers to act on). Codes not listed carry none.
 */
export interface ErrorDataMap {
  /** A target's rehearsal tripped these --fail-on gates and/or these downs do not restore the schema. */
  REHEARSE_FLAGGED: { gates: string[]; wrongDowns: string[] }
  /** sqlmig could not create its version table (no migration ran). */
  VERSION_TABLE_FAILED: { schema: string; table: string; sqlState: string | undefined }
  /** The graph has several heads where one was needed. */
  MULTIPLE_HEADS: { heads: string[] }
  /** `text` names no revision. */
  UNKNOWN_REVISION: { text: string }
  /** `text` is a prefix of several revisions (`matches`, all of them). */
  AMBIGUOUS_REVISION: { text: string; matches: string[] }
  /** `text` is no target (`unreadable`), or one for the other direction. */
  INVALID_TARGET: { text: string; direction: 'up' | 'down'; reason: 'unreadable' | 'base-up' | 'head-down' | 'wrong-sign' }
  /** A downgrade target that is not applied. */
  NOT_APPLIED: { revision: string }
  /**
   * The version table records revisions no file defines (`missing`); `kept`: the current
   * revisions among the applied ones the files do define (empty: none of them).
   */
  APPLIED_REVISION_MISSING: { missing: string[]; kept: string[] }
  /** Applied up files that changed since they ran. */
  CHANGED_MIGRATION: { changed: { revision: string; file: string }[] }
  /** A downgrade stopped before an irreversible revision: `at`, the current revisions now; `undone`, what they are once it is undone. */
  IRREVERSIBLE: { revision: string; reason: string; at: string[]; undone: string[] }
  DUPLICATE_REVISION: { revision: string; files: string[] }
  DUPLICATE_PARENT: { revision: string; parent: string }
  /** `similar`: ids that are a prefix of `parent` or start with it; `existing`: every other id. */
  MISSING_PARENT: { revision: string; parent: string; similar: string[]; existing: string[] }
  /** The revisions of the cycle, in down_revision order from the smallest id. */
  CYCLE: { revisions: string[] }
  INVALID_REVISION_ID: { revision: string; reason: 'characters' | 'reserved'; reserved: string[] }
  /** adopt found none of the version tables it knows (`looked`: the tables it looked for, or those of `--from`). */
  ADOPT_NO_SOURCE: { looked: string[]; from: string | undefined }
  /** adopt found the version tables of several tools: `--from` must pick one. */
  ADOPT_AMBIGUOUS: { tools: string[] }
  /** golang-migrate stopped inside `version` (its table says dirty). */
  ADOPT_DIRTY: { tool: string; table: string; version: string }
  /** A Flyway history row with success = false. */
  ADOPT_FAILED_ROW: { tool: string; table: string; version: string; script: string }
  /** Versions applied there that no imported file has; `importable`: `sqlmig import` reads that tool's files. */
  ADOPT_UNMAPPED: { tool: string; versions: string[]; importable: boolean }
  /** `missing`: versions (or revisions) not applied there that `later`, which is applied, comes after. */
  ADOPT_GAP: { tool: string; missing: string[]; later: string }
  /** sqlmig's version table already records `revisions` revisions there. */
  ALREADY_VERSIONED: { table: string; revisions: string[] }
}

/** The data of an error with code `C` (`undefined` for codes that carry none). */
export type ErrorData<C extends ErrorCode> = C extends keyof ErrorDataMap ? ErrorDataMap[C] : undefined
