/**
 * Every instruction sqlmig gives a user about the migration files, the revision graph and the
 * recorded state, in one place. The low layers (graph/, files/, runner/) throw errors that carry
 * data (heads, candidates, ids, the target text); this table turns code + data + the command
 * being run into the hint for that command. Each hint that names a command names one that exists
 * and works from the state that raised the error: test/cli/hints-work-cases.ts runs them.
 */
import { AmbiguousRelativeTarget, type ErrorCode, hasCode, IrreversibleStop, MigrationFailedError, RelativeOutOfRange, SqlmigError } from '../errors.ts'

/** The command an error happened in: its hint speaks that command's words. */
export type HintCommand =
  | 'upgrade' | 'downgrade' | 'stamp' | 'repair' | 'current' | 'history' | 'show' | 'heads' | 'branches'
  | 'create' | 'merge' | 'rehearse' | 'check' | 'diff' | 'verify' | 'backup' | 'init'
  | 'adopt' | 'pull' | 'baseline'

export interface HintContext {
  /** `undefined`: no command known (the hints that do not depend on one). */
  command?: HintCommand | undefined
  /** create: the message of the revision being created. */
  message?: string | undefined
  /** stamp: the current revisions the stamp asked for would leave (its refusal names the purge that records them). */
  stampTo?: string[] | undefined
}

const quoted = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ')
const either = (commands: readonly string[]): string =>
  commands.length <= 1 ? commands.join('') : `${commands.slice(0, -1).join(', ')} or ${commands[commands.length - 1]}`
const run = (...args: string[]): string => `"sqlmig ${args.filter((a) => a !== '').join(' ')}"`
const MAX_NAMED = 3

/** A message as one shell word inside a double-quoted command (a placeholder when it has quotes of its own). */
const shellWord = (text: string | undefined): string =>
  text === undefined || /["'\\]/.test(text) ? '<message>' : /^[A-Za-z0-9_.,:-]+$/.test(text) ? text : `'${text}'`

/** The command that records exactly `revisions` and their ancestors, whatever the table holds now. */
export function purgeCommand(revisions: readonly string[]): string {
  return run('stamp', '--purge', revisions.length ? revisions.join(' ') : 'base')
}

/** What to do about applied up files edited since they ran (current, history, and the CHANGED_MIGRATION refusal). */
export function changedHint(revisions: readonly string[], rerun = false): string {
  return `Restore the original file${revisions.length === 1 ? '' : 's'} and put the change in a new migration${rerun ? ', run the command again with --allow-changed if the edit is harmless,' : ','} or, if the edit changes nothing that ran (a comment, formatting), record the new checksum${revisions.length === 1 ? '' : 's'}: ${run('repair', ...revisions)}`
}

/** merge of fewer than two revisions: what to merge instead (the heads there are). */
export function mergeHint(heads: readonly string[]): string {
  return heads.length > 1
    ? `Name two or more heads: ${run('merge', 'heads')} joins all ${heads.length} (${quoted(heads)})`
    : `There is ${heads.length === 1 ? `one head ("${heads[0]}")` : 'no revision'}: nothing to merge`
}

/** The verb whose target a revision argument of `command` is (rehearse takes upgrade's targets). */
function targetVerb(command: HintCommand | undefined): 'upgrade' | 'downgrade' | 'stamp' | 'show' | undefined {
  if (command === 'upgrade' || command === 'rehearse') return 'upgrade'
  if (command === 'downgrade' || command === 'stamp' || command === 'show') return command
  return undefined
}

/** The hint for `error` raised while running `ctx.command`; `undefined` when this table has none for it. */
export function hintFor(error: unknown, ctx: HintContext): string | undefined {
  const { command } = ctx
  if (error instanceof AmbiguousRelativeTarget) return ambiguousRelative(error, command)
  if (error instanceof RelativeOutOfRange) return relativeOutOfRange(error, command)
  const verb = targetVerb(command)
  if (hasCode(error, 'MULTIPLE_HEADS')) {
    const heads = error.data.heads
    const join = `Join them with ${run('merge', 'heads')}`
    if (command === 'create') return `${join} first, or name the parent: ${run('create', shellWord(ctx.message), '--head', heads[0] as string)}`
    if (command === 'upgrade') return `${join}, or name one: ${run('upgrade', heads[0] as string)} (or ${run('upgrade', 'heads')} for all of them)`
    if (command === 'rehearse') return `${join}, or name one: ${run('rehearse', '--revision', heads[0] as string)} (or --revision heads for all of them)`
    if (command === 'stamp') return `Name one: ${run('stamp', heads[0] as string)}, or ${run('stamp', 'heads')} for all of them`
    return `${join}, or name one of them (${quoted(heads)}) instead of "head"`
  }
  if (hasCode(error, 'NO_REVISIONS')) return `Run ${run('create', '<message>')} to write the first migration`
  if (hasCode(error, 'UNKNOWN_REVISION')) return `Run ${run('history', '--offline')} to see the revisions`
  if (hasCode(error, 'AMBIGUOUS_REVISION')) {
    const { matches } = error.data
    if (verb === undefined || verb === 'downgrade') return `Type more characters of the revision id (${quoted(matches.slice(0, MAX_NAMED))}${matches.length > MAX_NAMED ? ' ...' : ''})`
    return `Type more characters of the revision id: ${either(matches.slice(0, MAX_NAMED).map((m) => run(verb, m)))}`
  }
  if (hasCode(error, 'INVALID_TARGET')) {
    const { text, reason } = error.data
    if (reason === 'base-up') return `Run ${run('downgrade', 'base')} to undo every revision`
    if (reason === 'head-down') return `Run ${run('upgrade', text)} to apply revisions; to undo, name the revision to keep (${run('history')} lists them)`
    if (reason === 'wrong-sign') return error.data.direction === 'up' ? `Run ${run('downgrade', text)} to undo revisions` : `Run ${run('upgrade', text)} to apply revisions`
    return `Name a revision id or prefix, head, heads, base, +N, -N, <revision>+N or <revision>-N (${run('history', '--offline')} lists the revisions)`
  }
  if (hasCode(error, 'NOT_APPLIED')) {
    const id = error.data.revision
    return `Run ${run('upgrade', id)} to apply it, or ${run('current')} to see what is applied`
  }
  if (hasCode(error, 'APPLIED_REVISION_MISSING')) {
    const { missing, kept } = error.data
    const restore = `Restore the migration files of ${quoted(missing)} (e.g. check out the newer code)`
    if (command === 'stamp') return `${restore}, or record the state without them: ${purgeCommand(ctx.stampTo ?? kept)}`
    return `${restore}, or, if they were removed on purpose, forget them: ${purgeCommand(kept)} records what the files define`
  }
  if (hasCode(error, 'CHANGED_MIGRATION')) {
    const flag = command === 'upgrade' || command === 'downgrade' || command === 'rehearse'
    return changedHint(error.data.changed.map((c) => c.revision), flag)
  }
  if (hasCode(error, 'IRREVERSIBLE')) {
    const { revision, at, undone } = error.data
    const now = error instanceof IrreversibleStop && error.script !== undefined ? 'After the script the database would be' : 'The database is now'
    return `${now} at ${at.join(', ') || 'base'}; undo "${revision}" by hand, then record that: ${purgeCommand(undone)}`
  }
  if (hasCode(error, 'REPLAY_FAILED')) {
    return `Fix the migration${command === 'create' || command === 'check' || command === 'diff' ? ', or use --shadow-url with a server that has the extensions it needs' : ''}`
  }
  if (hasCode(error, 'DECLARED_SCHEMA_FAILED')) return 'Fix the declared schema so that it runs on an empty database, in file order'
  if (hasCode(error, 'NO_VERSIONS_DIR')) return `Run ${run('init')} to create it, or point --dir at the folder that holds versions/`
  if (hasCode(error, 'DUPLICATE_REVISION')) return 'Give one of the two files a new revision id (and update the down_revision that should point to it)'
  if (hasCode(error, 'DUPLICATE_PARENT')) return 'Remove the repeated id from down_revision'
  if (hasCode(error, 'INVALID_REVISION_ID')) {
    return error.data.reason === 'reserved'
      ? `Change the revision id: ${quoted(error.data.reserved)} name targets`
      : 'Change the revision id (sqlmig create makes 12 hex digits)'
  }
  if (hasCode(error, 'MISSING_PARENT')) return `Fix down_revision (${missingParent(error.data.similar, error.data.existing)})`
  if (hasCode(error, 'CYCLE')) return 'Fix down_revision in one of these files so the chain ends at a base revision'
  if (hasCode(error, 'VERSION_TABLE_FAILED')) {
    return error.data.sqlState === '42501'
      ? `Let this role create tables in schema "${error.data.schema}" (GRANT CREATE ON SCHEMA ${error.data.schema} TO ...), or keep the version table in a schema it may write: --version-schema <schema>`
      : 'Fix the database problem above and run the command again'
  }
  if (error instanceof MigrationFailedError && error.sqlState === '55P04') return newEnumValueHint(error, command)
  if (hasCode(error, 'ADOPT_NO_SOURCE')) {
    return error.data.from !== undefined
      ? `Check --url (the database ${error.data.from} migrated), or run ${run('adopt')} without --from to look for every tool's table`
      : `Check --url (the database the old tool migrated); a database no tool migrated gets its history from ${run('baseline', '-m', 'Baseline')}`
  }
  if (hasCode(error, 'ADOPT_AMBIGUOUS')) return `Name the tool whose table says what is applied: ${either(error.data.tools.map((t) => run('adopt', '--from', t)))}`
  if (hasCode(error, 'ADOPT_DIRTY')) {
    const v = error.data.version
    return `Finish or undo version ${v} by hand, record that with golang-migrate ("migrate force ${v}", or the version before it), then run ${run('adopt')} again`
  }
  if (hasCode(error, 'ADOPT_FAILED_ROW')) return `Undo what the failed migration did, remove its row with "flyway repair", then run ${run('adopt')} again`
  if (hasCode(error, 'ADOPT_UNMAPPED')) {
    return error.data.importable
      ? `Import the old tool's migration files first: ${run('import', '<folder>', '--from', error.data.tool)}, then run ${run('adopt')} again`
      : `Write a migration pair for each version listed above, with the revision shown (its SQL copied from the ${error.data.tool} file), then run ${run('adopt')} again`
  }
  if (hasCode(error, 'ADOPT_GAP')) return `Apply the missing migrations with ${error.data.tool} first (or undo version ${error.data.later}), then run ${run('adopt')} again`
  if (hasCode(error, 'ALREADY_VERSIONED')) {
    return command === 'baseline'
      ? `This database already has sqlmig history: write the next change with ${run('create', '<message>')} instead`
      : `Run ${run('current')} to see what it records; to replace it with what the old tool says, empty it first with ${purgeCommand([])}`
  }
  if (hasCode(error, 'LOCK_TIMEOUT')) {
    const flag = command === undefined || ['upgrade', 'downgrade', 'stamp', 'repair', 'current', 'history', 'diff', 'backup', 'adopt', 'baseline'].includes(command)
    return `Wait for the other run to finish, ${flag ? 'raise --lock-wait, ' : ''}or stop the holder with pg_terminate_backend(pid) if it is stuck`
  }
  return undefined
}

/**
 * A new enum value used in the transaction that added it (55P04): PostgreSQL needs the ADD VALUE
 * committed first. sqlmig's ways out: the ADD VALUE migration outside the run's transaction, or
 * a commit per migration; within one file, the use must move to a later migration.
 */
function newEnumValueHint(error: MigrationFailedError, command: HintCommand | undefined): string {
  const from = error.enumValueFrom
  const first = 'New enum values must be committed before they can be used'
  const outside = from ? `mark "${from.revision}" (${from.file}), which adds the value, "-- transaction: false"` : 'mark the migration that runs ALTER TYPE ... ADD VALUE "-- transaction: false"'
  if (from?.sameFile) return `${first}: move what uses the value into a new migration after "${from.revision}", and ${outside}`
  const rerun = command === 'upgrade' || command === 'downgrade' ? run(command, '--transaction', 'per-migration') : '--transaction per-migration'
  return `${first}: ${outside}, or run with a commit after each migration: ${rerun}`
}

function missingParent(similar: string[], existing: string[]): string {
  if (existing.length === 0) return 'no other revision exists; remove down_revision to make it a base'
  const list = similar.length > 0 ? similar : existing
  const shown = list.slice(0, 5)
  return `${similar.length > 0 ? 'similar' : 'existing'} revisions: ${quoted(shown)}${list.length > shown.length ? ` and ${list.length - shown.length} more` : ''}`
}

function ambiguousRelative(error: AmbiguousRelativeTarget, command: HintCommand | undefined): string {
  const verb = targetVerb(command) ?? (error.direction === 'up' ? 'upgrade' : 'downgrade')
  const targets = [...new Set(error.targets.filter((t): t is string => t !== undefined))]
  if (error.from !== undefined) {
    return targets.length === 0
      ? `Name a revision on the branch to follow (${run('history', '--offline')} lists them)`
      : `Name the branch to follow instead: ${either(targets.map((t) => run(verb, t)))}`
  }
  const what = verb === 'downgrade' ? 'Name the revision to keep' : `Name the revision to ${verb} to`
  return targets.length === 0
    ? `${what}: ${run(verb, '<revision>')} (run ${run('history')} to see the branches)`
    : `${what}: ${either(targets.map((t) => run(verb, t)))}`
}

function relativeOutOfRange(error: RelativeOutOfRange, command: HintCommand | undefined): string {
  const verb = targetVerb(command) ?? (error.direction === 'up' ? 'upgrade' : 'downgrade')
  if (error.from !== undefined) {
    return error.reached !== undefined
      ? `Run ${run(verb, error.reached)} to go as far as that branch leads, or ${run('history', '--offline')} to see the revisions`
      : `Use fewer steps, or run ${run('history', '--offline')} to see the revisions`
  }
  if (error.direction === 'up') {
    return error.available > 0 && error.reached !== undefined
      ? `Run ${run(verb, `+${error.available}`)} (or ${run(verb, error.reached)}) to go as far as that branch leads, or ${run(verb, 'heads')} to apply every pending revision`
      : `Run ${run(verb, 'heads')} to apply every pending revision, or ${run('history')} to see the branches`
  }
  return error.available > 0
    ? `Run ${run(verb, `-${error.available}`)} (or ${run(verb, 'base')}) to undo all of them`
    : `Run ${run('current')} to check the database`
}

/**
 * `error` with the hint for `ctx` when this table has one (the error itself, data intact). A hint
 * already set stays: the innermost caller knew the most (stamp's refusal knows its target).
 */
export function withHint<E>(error: E, ctx: HintContext): E {
  if (!(error instanceof SqlmigError) || error.hint !== undefined) return error
  const hint = hintFor(error, ctx)
  if (hint !== undefined) error.withHint(hint)
  return error
}

/** Runs `fn` (sync or async), adding the hint for `command` to an error it throws. */
export function hinting<R>(command: HintCommand | HintContext | undefined, fn: () => R): R {
  const ctx: HintContext = typeof command === 'object' ? command : { command }
  try {
    const result = fn()
    if (result instanceof Promise) return result.catch((error: unknown) => { throw withHint(error, ctx) }) as R
    return result
  } catch (error) {
    throw withHint(error, ctx)
  }
}

/** The codes this table words a hint for (for tests that walk them). */
export const HINTED_CODES: readonly ErrorCode[] = [
  'MULTIPLE_HEADS', 'NO_REVISIONS', 'UNKNOWN_REVISION', 'AMBIGUOUS_REVISION', 'INVALID_TARGET', 'NOT_APPLIED',
  'AMBIGUOUS_RELATIVE', 'RELATIVE_OUT_OF_RANGE', 'APPLIED_REVISION_MISSING', 'CHANGED_MIGRATION', 'IRREVERSIBLE',
  'REPLAY_FAILED', 'DECLARED_SCHEMA_FAILED', 'NO_VERSIONS_DIR', 'DUPLICATE_REVISION', 'DUPLICATE_PARENT', 'INVALID_REVISION_ID', 'MISSING_PARENT', 'CYCLE', 'LOCK_TIMEOUT',
  'ADOPT_NO_SOURCE', 'ADOPT_AMBIGUOUS', 'ADOPT_DIRTY', 'ADOPT_FAILED_ROW', 'ADOPT_UNMAPPED', 'ADOPT_GAP', 'ALREADY_VERSIONED',
]
