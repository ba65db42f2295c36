/**
 * Every error sqlmig means to show a user is a SqlmigError: a stable `code`, an optional
 * `hint` (what to do next), an optional `location` (file, line, column) and a `cause`.
 * The CLI maps them to exit codes with one `instanceof`; anything else is a bug.
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

export interface SqlmigErrorOptions {
  hint?: string | undefined
  location?: Location | undefined
  cause?: unknown
  /** Extra lines shown under the message (an excerpt with a caret, a list). */
  detail?: string | undefined
  exitCode?: ExitCode | undefined
}

/** Base class of every error sqlmig reports to a user. */
export class SqlmigError extends Error {
  readonly code: string
  readonly hint: string | undefined
  readonly location: Location | undefined
  readonly detail: string | undefined
  readonly exitCode: ExitCode

  constructor(code: string, message: string, options: SqlmigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SqlmigError'
    this.code = code
    this.hint = options.hint
    this.location = options.location
    this.detail = options.detail
    this.exitCode = options.exitCode ?? EXIT.failed
  }

  /** `file:line:column: message` when the error points at text, else the message. */
  get where(): string {
    const l = this.location
    if (!l) return ''
    return l.line === undefined ? l.file : l.column === undefined ? `${l.file}:${l.line}` : `${l.file}:${l.line}:${l.column}`
  }
}

/** Wrong command line or configuration (exit 2). */
export class UsageError extends SqlmigError {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('USAGE', message, { exitCode: EXIT.usage, ...options })
    this.name = 'UsageError'
  }
}

/** A migration file (or the set of them) is invalid (exit 5). Nothing runs while one is. */
export class InvalidMigrationError extends SqlmigError {
  constructor(code: string, message: string, options: SqlmigErrorOptions = {}) {
    super(code, message, { exitCode: EXIT.invalidFiles, ...options })
    this.name = 'InvalidMigrationError'
  }
}

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
export class SqlSyntaxError extends SqlmigError {
  /** 0-based offset in the text where the problem starts. */
  readonly offset: number
  constructor(code: string, message: string, offset: number, options: SqlmigErrorOptions = {}) {
    super(code, message, { exitCode: EXIT.invalidFiles, ...options })
    this.name = 'SqlSyntaxError'
    this.offset = offset
  }
}

/** A revision argument that does not name exactly one thing (exit 2). */
export class RevisionError extends SqlmigError {
  constructor(code: string, message: string, options: SqlmigErrorOptions = {}) {
    super(code, message, { exitCode: EXIT.usage, ...options })
    this.name = 'RevisionError'
  }
}

/**
 * `+N`/`-N` from the current state could mean more than one revision (AMBIGUOUS_RELATIVE, exit 2).
 * `candidates`: the revisions where the paths part (current heads, bases, children of a branch
 * point, parents of an undone merge); `targets`: for each, the explicit target that follows it
 * (`undefined` when that way has too few steps, or no single revision says it). The command layer adds the hint.
 */
export class AmbiguousRelativeTarget extends RevisionError {
  readonly text: string
  readonly direction: 'up' | 'down'
  readonly candidates: string[]
  readonly targets: (string | undefined)[]
  constructor(text: string, direction: 'up' | 'down', candidates: string[], targets: (string | undefined)[], message: string, options: SqlmigErrorOptions = {}) {
    super('AMBIGUOUS_RELATIVE', message, options)
    this.name = 'AmbiguousRelativeTarget'
    this.text = text
    this.direction = direction
    this.candidates = candidates
    this.targets = targets
  }

  withHint(hint: string): AmbiguousRelativeTarget {
    return new AmbiguousRelativeTarget(this.text, this.direction, this.candidates, this.targets, this.message, { hint, detail: this.detail, cause: this.cause })
  }
}

/**
 * `+N`/`-N` from the current state asks for more steps than exist that way (RELATIVE_OUT_OF_RANGE,
 * exit 2; Alembic: "Relative revision +2 didn't produce 2 migrations"). `available` steps exist;
 * `reached` is the revision they end on (`undefined`: none, or base). The command layer adds the hint.
 */
export class RelativeOutOfRange extends RevisionError {
  readonly text: string
  readonly direction: 'up' | 'down'
  readonly requested: number
  readonly available: number
  readonly reached: string | undefined
  constructor(text: string, direction: 'up' | 'down', requested: number, available: number, reached: string | undefined, message: string, options: SqlmigErrorOptions = {}) {
    super('RELATIVE_OUT_OF_RANGE', message, options)
    this.name = 'RelativeOutOfRange'
    this.text = text
    this.direction = direction
    this.requested = requested
    this.available = available
    this.reached = reached
  }

  withHint(hint: string): RelativeOutOfRange {
    return new RelativeOutOfRange(this.text, this.direction, this.requested, this.available, this.reached, this.message, { hint, detail: this.detail, cause: this.cause })
  }
}

/** A migration statement failed on the database; everything in its transaction rolled back. */
export class MigrationFailedError extends SqlmigError {
  readonly revision: string
  readonly sqlState: string | undefined
  constructor(revision: string, message: string, options: SqlmigErrorOptions & { sqlState?: string | undefined } = {}) {
    super('MIGRATION_FAILED', message, options)
    this.name = 'MigrationFailedError'
    this.revision = revision
    this.sqlState = options.sqlState
  }
}

/** The database cannot be reached or refused us. */
export class ConnectionError extends SqlmigError {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('CONNECTION_FAILED', message, options)
    this.name = 'ConnectionError'
  }
}

/** Another sqlmig held the migration lock for longer than --lock-timeout (exit 4). */
export class LockTimeoutError extends SqlmigError {
  constructor(message: string, options: SqlmigErrorOptions = {}) {
    super('LOCK_TIMEOUT', message, { exitCode: EXIT.lockTimeout, ...options })
    this.name = 'LockTimeoutError'
  }
}

/** The database and the files disagree (applied revision without a file, edited file). */
export class StateError extends SqlmigError {
  constructor(code: string, message: string, options: SqlmigErrorOptions = {}) {
    super(code, message, options)
    this.name = 'StateError'
  }
}

/**
 * The declared schema uses a feature the target PostgreSQL version lacks, so autogenerate cannot
 * write SQL that runs there (exit 1). `features` lists each object, its feature and the version it needs.
 */
export class UnsupportedOnTargetError extends SqlmigError {
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
export class ExtensionUnavailableError extends SqlmigError {
  readonly extensions: string[]
  constructor(missing: string[], available: readonly string[]) {
    const list = missing.map((m) => `"${m}"`).join(', ')
    super('EXTENSION_UNAVAILABLE', `The embedded database (PGlite) does not have the extension${missing.length === 1 ? '' : 's'} ${list}`, {
      detail: `Extensions it has: ${available.join(', ')}`,
      hint: 'Run against a PostgreSQL server that has it: --url (or DATABASE_URL) for the database, --shadow-url for the shadow databases of create, check and diff',
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
 * were printed: `script` holds that text). Carries what the command layer needs for its hint.
 */
export class IrreversibleStop extends SqlmigError {
  readonly revision: string
  readonly reason: string
  /** Revisions undone before stopping (none printed or run: empty). */
  readonly undone: string[]
  /** Current revisions after the steps that ran. */
  readonly at: string[]
  /** `--sql`: the script of the steps before the stop. */
  readonly script: string | undefined
  constructor(stop: { revision: string; reason: string; file: string }, undone: string[], at: string[], options: SqlmigErrorOptions & { script?: string | undefined } = {}) {
    super('IRREVERSIBLE', `Stopped before revision "${stop.revision}": it is irreversible (${stop.reason})`, {
      location: { file: stop.file, line: 1 },
      detail: undone.length ? `Undone before stopping: ${undone.join(', ')}` : 'Nothing was undone',
      ...options,
    })
    this.name = 'IrreversibleStop'
    this.revision = stop.revision
    this.reason = stop.reason
    this.undone = undone
    this.at = at
    this.script = options.script
  }
}
