/**
 * Every error sqlmig means to show a user is a SqlmigError: a stable `code`, an optional
 * `hint` (what to do next), an optional `location` (file, line, column) and a `cause`.
 * The CLI maps them to exit codes with one `instanceof`; anything else is a bug.
 */

import { EXIT } from './error-codes.ts'
import type { ErrorCode, ErrorData, ErrorDataMap, ExitCode, Location } from './error-codes.ts'

export { EXIT } from './error-codes.ts'
export type { ErrorCode, ErrorData, ErrorDataMap, ExitCode, Location } from './error-codes.ts'

export interface SqlmigErrorOptions {
  hint?: string | undefined
  location?: Location | undefined
  cause?: unknown
  /** Extra lines shown under the message (an excerpt with a caret, a list). */
  detail?: string | undefined
  exitCode?: ExitCode | undefined
}

/** Options of an error with code `C`: `data` (what the error is about) is required exactly when the code carries some. */
export type ErrorOptionsFor<C extends ErrorCode> =
  & SqlmigErrorOptions
  & (C extends keyof ErrorDataMap ? { data: ErrorDataMap[C] } : { data?: undefined })

/** The options argument of an error with code `C`: required when the code carries data. */
export type OptionsArg<C extends ErrorCode> = C extends keyof ErrorDataMap ? [ErrorOptionsFor<C>] : [ErrorOptionsFor<C>?]

/** Re-types options built from a subclass's own (for its super call). */
const asArg = <C extends ErrorCode>(options: SqlmigErrorOptions & { data?: unknown }): OptionsArg<C> => [options] as unknown as OptionsArg<C>

/** Base class of every error sqlmig reports to a user. */
export class SqlmigError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C
  /** What to do next. Low layers leave it out; the command layer adds it (src/commands/hints.ts). */
  hint: string | undefined
  readonly location: Location | undefined
  readonly detail: string | undefined
  readonly exitCode: ExitCode
  readonly data: ErrorData<C>

  constructor(code: C, message: string, ...[options]: OptionsArg<C>) {
    const o: SqlmigErrorOptions & { data?: unknown } = options ?? {}
    super(message, o.cause === undefined ? undefined : { cause: o.cause })
    this.name = 'SqlmigError'
    this.code = code
    this.hint = o.hint
    this.location = o.location
    this.detail = o.detail
    this.exitCode = o.exitCode ?? EXIT.failed
    this.data = o.data as ErrorData<C>
  }

  /** Sets the hint (the command layer's instruction) and returns the error itself, data intact. */
  withHint(hint: string | undefined): this {
    this.hint = hint
    return this
  }

  /** `file:line:column: message` when the error points at text, else the message. */
  get where(): string {
    const l = this.location
    if (!l) return ''
    return l.line === undefined ? l.file : l.column === undefined ? `${l.file}:${l.line}` : `${l.file}:${l.line}:${l.column}`
  }
}

/** Whether `error` is a SqlmigError with code `code` (narrows its `data`). */
export function hasCode<K extends ErrorCode>(error: unknown, code: K): error is SqlmigError<K> {
  return error instanceof SqlmigError && error.code === code
}

/** Wrong command line or configuration (exit 2). */
export class UsageError extends SqlmigError<'USAGE'> {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('USAGE', message, { exitCode: EXIT.usage, ...options })
    this.name = 'UsageError'
  }
}

/** A migration file (or the set of them) is invalid (exit 5). Nothing runs while one is. */
export class InvalidMigrationError<C extends ErrorCode = ErrorCode> extends SqlmigError<C> {
  constructor(code: C, message: string, ...[options]: OptionsArg<C>) {
    super(code, message, ...asArg<C>({ exitCode: EXIT.invalidFiles, ...options }))
    this.name = 'InvalidMigrationError'
  }
}

/** Codes of SQL text that cannot be split into statements. */
export type SqlSyntaxCode =
  | 'UNTERMINATED_STRING'
  | 'UNTERMINATED_DOLLAR_QUOTE'
  | 'UNTERMINATED_IDENTIFIER'
  | 'UNTERMINATED_COMMENT'
  | 'PSQL_META_COMMAND'
  | 'NUL_CHARACTER'
  | 'SQL_PARSE_ERROR'

/** One place in another tool's migrations that `sqlmig import` cannot map faithfully. */
export interface UnmappableSpot {
  /** The source file (its path as given on the command line). */
  file: string
  /** 1-based line. */
  line: number
  message: string
}

/**
 * Another tool's migrations hold something `sqlmig import` cannot map faithfully (a placeholder,
 * a Go- or JavaScript-coded migration, a psql meta-command...); nothing was written (exit 5).
 * `spots` lists every file and line; the command layer adds the hint.
 */
export class UnmappableSourceError extends InvalidMigrationError {
  readonly spots: UnmappableSpot[]
  constructor(message: string, spots: UnmappableSpot[], options: SqlmigErrorOptions = {}) {
    super('IMPORT_UNMAPPABLE', message, {
      detail: spots.map((s) => `${s.file}:${s.line}: ${s.message}`).join('\n'),
      ...options,
    })
    this.name = 'UnmappableSourceError'
    this.spots = spots
  }
}

/** A reason import cannot write into versions/ (exit 2); `conflicts` lists each path. */
export class ImportConflict extends SqlmigError {
  readonly conflicts: string[]
  constructor(message: string, conflicts: string[], hint?: string) {
    super('IMPORT_CONFLICT', message, { exitCode: EXIT.usage, detail: conflicts.join('\n'), hint })
    this.name = 'ImportConflict'
    this.conflicts = conflicts
  }
}

/** SQL text that cannot be split into statements (unterminated quote, psql meta-command). */
export class SqlSyntaxError extends SqlmigError<SqlSyntaxCode> {
  /** 0-based offset in the text where the problem starts. */
  readonly offset: number
  constructor(code: SqlSyntaxCode, message: string, offset: number, options: SqlmigErrorOptions = {}) {
    super(code, message, { exitCode: EXIT.invalidFiles, ...options })
    this.name = 'SqlSyntaxError'
    this.offset = offset
  }
}

/** A revision argument that does not name exactly one thing (exit 2). */
export class RevisionError<C extends ErrorCode = ErrorCode> extends SqlmigError<C> {
  constructor(code: C, message: string, ...[options]: OptionsArg<C>) {
    super(code, message, ...asArg<C>({ exitCode: EXIT.usage, ...options }))
    this.name = 'RevisionError'
  }
}

/** What both relative-target errors name: the text as typed, its direction, and where it counts from. */
abstract class RelativeTargetError<C extends 'AMBIGUOUS_RELATIVE' | 'RELATIVE_OUT_OF_RANGE'> extends RevisionError<C> {
  readonly text: string
  readonly direction: 'up' | 'down'
  /** The revision (or "base") a `<revision>+N`/`<revision>-N` counts from; `undefined`: the current state. */
  readonly from: string | undefined
  constructor(code: C, name: string, text: string, direction: 'up' | 'down', message: string, options: SqlmigErrorOptions & { from?: string | undefined }) {
    super(code, message, ...asArg<C>(options))
    this.name = name
    this.text = text
    this.direction = direction
    this.from = options.from
  }
}

/**
 * `+N`/`-N` from the current state could mean more than one revision (AMBIGUOUS_RELATIVE, exit 2).
 * `candidates`: the revisions where the paths part (current heads, bases, children of a branch
 * point, parents of an undone merge); `targets`: for each, the explicit target that follows it
 * (`undefined` when that way has too few steps, or no single revision says it). The command layer adds the hint.
 */
export class AmbiguousRelativeTarget extends RelativeTargetError<'AMBIGUOUS_RELATIVE'> {
  readonly candidates: string[]
  readonly targets: (string | undefined)[]
  constructor(
    text: string,
    direction: 'up' | 'down',
    candidates: string[],
    targets: (string | undefined)[],
    message: string,
    options: SqlmigErrorOptions & { from?: string | undefined } = {},
  ) {
    super('AMBIGUOUS_RELATIVE', 'AmbiguousRelativeTarget', text, direction, message, options)
    this.candidates = candidates
    this.targets = targets
  }
}

/**
 * `+N`/`-N` from the current state asks for more steps than exist that way (RELATIVE_OUT_OF_RANGE,
 * exit 2; Alembic: "Relative revision +2 didn't produce 2 migrations"). `available` steps exist;
 * `reached` is the revision they end on (`undefined`: none, or base). The command layer adds the hint.
 */
export class RelativeOutOfRange extends RelativeTargetError<'RELATIVE_OUT_OF_RANGE'> {
  readonly requested: number
  readonly available: number
  readonly reached: string | undefined
  constructor(
    text: string,
    direction: 'up' | 'down',
    requested: number,
    available: number,
    reached: string | undefined,
    message: string,
    options: SqlmigErrorOptions & { from?: string | undefined } = {},
  ) {
    super('RELATIVE_OUT_OF_RANGE', 'RelativeOutOfRange', text, direction, message, options)
    this.requested = requested
    this.available = available
    this.reached = reached
  }
}

/** A migration statement failed on the database; everything in its transaction rolled back. */
export class MigrationFailedError extends SqlmigError<'MIGRATION_FAILED'> {
  readonly revision: string
  readonly sqlState: string | undefined
  /** The statement that failed, when one did. */
  readonly statement: string | undefined
  /**
   * 55P04 (unsafe use of a new enum value): the migration of the same transaction that ran
   * `ALTER TYPE ... ADD VALUE` (the failing one itself when `sameFile`).
   */
  readonly enumValueFrom: { revision: string; file: string; sameFile: boolean } | undefined
  constructor(revision: string, message: string, options: SqlmigErrorOptions & { sqlState?: string | undefined; statement?: string | undefined; enumValueFrom?: MigrationFailedError['enumValueFrom'] } = {}) {
    super('MIGRATION_FAILED', message, options)
    this.name = 'MigrationFailedError'
    this.revision = revision
    this.sqlState = options.sqlState
    this.statement = options.statement
    this.enumValueFrom = options.enumValueFrom
  }

  /** The same failure with other detail lines (what the runner learnt after it), or knowing where the enum value was added. */
  withDetail(detail: string | undefined, enumValueFrom = this.enumValueFrom): MigrationFailedError {
    return new MigrationFailedError(this.revision, this.message, {
      hint: this.hint,
      location: this.location,
      detail,
      cause: this.cause,
      exitCode: this.exitCode,
      sqlState: this.sqlState,
      statement: this.statement,
      enumValueFrom,
    })
  }
}

/** The database cannot be reached or refused us. */
export class ConnectionError extends SqlmigError<'CONNECTION_FAILED'> {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('CONNECTION_FAILED', message, options)
    this.name = 'ConnectionError'
  }
}

/** Another sqlmig held the migration lock for longer than --lock-timeout (exit 4). */
export class LockTimeoutError extends SqlmigError<'LOCK_TIMEOUT'> {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('LOCK_TIMEOUT', message, { exitCode: EXIT.lockTimeout, ...options })
    this.name = 'LockTimeoutError'
  }
}

/** The database and the files disagree (applied revision without a file, edited file). */
export class StateError<C extends ErrorCode = ErrorCode> extends SqlmigError<C> {
  constructor(code: C, message: string, ...[options]: OptionsArg<C>) {
    super(code, message, ...asArg<C>({ ...options }))
    this.name = 'StateError'
  }
}

/**
 * The declared schema uses a feature the target PostgreSQL version lacks, so autogenerate cannot
 * write SQL that runs there (exit 1). `features` lists each object, its feature and the version it needs.
 */
export class UnsupportedOnTargetError extends SqlmigError<'UNSUPPORTED_ON_TARGET'> {
  readonly targetVersion: number
  readonly features: { kind: string; name: string; feature: string; needs: number }[]
  constructor(message: string, targetVersion: number, features: UnsupportedOnTargetError['features'], options: SqlmigErrorOptions = {}) {
    super('UNSUPPORTED_ON_TARGET', message, options)
    this.name = 'UnsupportedOnTargetError'
    this.targetVersion = targetVersion
    this.features = features
  }
}

/**
 * The SQL to run creates (or sqlmig.json's "pgliteExtensions" lists) an extension the embedded
 * database (PGlite) does not ship. Raised before anything runs.
 */
export class ExtensionUnavailableError extends SqlmigError<'EXTENSION_UNAVAILABLE'> {
  readonly extensions: string[]
  constructor(missing: string[], available: readonly string[]) {
    const list = missing.map((m) => `"${m}"`).join(', ')
    super('EXTENSION_UNAVAILABLE', `The embedded database (PGlite) does not have the extension${missing.length === 1 ? '' : 's'} ${list}`, {
      detail: `Extensions it has: ${available.join(', ')}`,
      hint:
        'Run against a PostgreSQL server that has it: --url (or DATABASE_URL) for the database, --shadow-url for the shadow databases of create, check and diff',
    })
    this.name = 'ExtensionUnavailableError'
    this.extensions = missing
  }
}

/** The exit code for anything thrown: a SqlmigError's own, else 1. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof SqlmigError ? error.exitCode : EXIT.failed
}

/**
 * A downgrade stopped before an irreversible revision (the steps before it ran, or for `--sql`
 * were printed: `script` holds that text). `data`: the revision, its reason, the current
 * revisions after the steps that ran (`at`) and those once the revision is undone by hand (`undone`).
 */
export class IrreversibleStop extends SqlmigError<'IRREVERSIBLE'> {
  /** `--sql`: the script of the steps before the stop. */
  readonly script: string | undefined
  constructor(
    stop: { revision: string; reason: string; file: string },
    /** The revisions undone (or printed) before the stop. */
    ran: string[],
    states: { at: string[]; undone: string[] },
    options: SqlmigErrorOptions & { script?: string | undefined } = {},
  ) {
    const { script, ...rest } = options
    super('IRREVERSIBLE', `Stopped before revision "${stop.revision}": it is irreversible (${stop.reason})`, {
      location: { file: stop.file, line: 1 },
      detail: ran.length ? `${script === undefined ? 'Undone' : 'Undone by the script'} before stopping: ${ran.join(', ')}` : 'Nothing was undone',
      ...rest,
      data: { revision: stop.revision, reason: stop.reason, ...states },
    })
    this.name = 'IrreversibleStop'
    this.script = script
  }
}
