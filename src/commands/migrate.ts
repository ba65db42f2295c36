/**
 * The shared body of upgrade, downgrade and stamp: open the project and the database, plan
 * inside the lock, run (or only record, or print the script), and report typed data.
 */
import type { TransactionMode } from '../config.ts'
import type { Database } from '../db/database.ts'
import { IrreversibleStop, UsageError } from '../errors.ts'
import { openDatabase } from '../db/open.ts'
import type { Script } from '../files/script.ts'
import { statementsOf } from '../runner/execute-file.ts'
import type { AppliedRevision as GraphApplied } from '../graph/applied-revision.ts'
import { currentHeads, toGraphApplied } from '../graph/applied-revision.ts'
import { appliedAfter } from '../graph/plan.ts'
import type { Direction } from '../runner/events.ts'
import { renderRunScript } from '../runner/render-script.ts'
import type { RunStep } from '../runner/run-plan.ts'
import { type Blocked, type PlannedStep, schedule, scheduledSteps } from '../runner/schedule.ts'
import { type AppliedRecord, peekApplied, readApplied } from '../runner/version-table.ts'
import { embeddedOpenOptions } from './embedded.ts'
import { type CommonOptions, lockTimeoutMs, openProject, type Project, withDatabase, withProjectQuery } from './project.ts'
import { assertAppliedKnown, assertUnchanged } from './state-checks.ts'
import { refuseUntracked } from './untracked.ts'

export interface MigrateOptions extends CommonOptions {
  /** Run every migration of this call in one transaction ("all", default) or commit each ("per-migration"). */
  transaction?: TransactionMode | undefined
  /** Execute, then roll back: report what would be applied. */
  dryRun?: boolean | undefined
  /** Run even though applied migration files were edited. */
  allowChanged?: boolean | undefined
  /** Upgrade a database that has tables of its own but no version table (see untracked.ts); refused otherwise. */
  allowUntracked?: boolean | undefined
  /** Abort the run: the running statement is cancelled, the open transaction rolled back, the lock released. */
  signal?: AbortSignal | undefined
  /**
   * The migration lock: "advisory" (default: PostgreSQL advisory locks) or "table", a lock row
   * with a lease in `<version schema>.sqlmig_lock`, for servers without session advisory locks
   * (CockroachDB, YugabyteDB). Needs a URL (it takes a second session for the lease).
   */
  lock?: 'advisory' | 'table' | undefined
  /** `lock: "table"`: the lease length in milliseconds (default 30 s), renewed every third of it. */
  lockLeaseMs?: number | undefined
}

/** One migration a run applied or undid. */
export interface MigrationStep {
  revision: string
  direction: Direction
  message: string
  /** Wall time of the migration's statements and version-table write. */
  ms: number
  /**
   * A down whose file holds no statements and does not say `-- down: none`: the step is recorded
   * as undone, but nothing was undone. The file's path.
   */
  emptyDown?: string
}

/** A pending migration a dry run did not run. */
export interface NotRunStep {
  revision: string
  direction: Direction
  message: string
  /** `transaction-false`: it runs outside a transaction, so a dry run cannot roll it back; `after`: it comes after one. */
  reason: 'transaction-false' | 'after'
}

/** What upgrade, downgrade and stamp report. */
export interface MigrateResult {
  /** Current revisions (heads of the applied set) before the run. */
  from: string[]
  /** Current revisions after the run (as they would be, for a dry run). */
  to: string[]
  steps: MigrationStep[]
  dryRun: boolean
  /**
   * Dry run only: the pending migrations it stopped before (at the first `transaction: false`
   * one, which cannot be rolled back, and everything after it). Empty otherwise.
   */
  notRun: NotRunStep[]
  /** The database used, password masked. */
  database: string
}


/** A down file with no statements that does not say `-- down: none` (nor `irreversible`). */
function emptyDown(script: Script): boolean {
  return !script.down.nothingToUndo && !script.down.irreversible && statementsOf(script.down).length === 0
}

/** The revisions that are current after `steps` are applied to `before`. */
function currentAfter(project: Project, before: AppliedRecord[], steps: readonly RunStep[]): string[] {
  return currentHeads(project.graph, appliedAfter(toGraphApplied(before), steps))
}

export interface MigrateRequest {
  options: MigrateOptions
  planSteps: (project: Project, applied: GraphApplied[]) => PlannedStep[]
  /** Checks of the request against the files alone (e.g. that the target exists), made before the database is opened. */
  precheck?: (project: Project) => void
  recordOnly?: boolean
  checkFiles?: boolean
  /** `false`: planSteps itself deals with applied revisions no file defines (stamp). */
  checkApplied?: boolean
  /** Refuse a database with tables but no version table (upgrade): the verb for the message. */
  refuseUntracked?: string
}

/** Runs a migration plan against the configured database. */
export async function migrate(req: MigrateRequest): Promise<MigrateResult> {
  const { options } = req
  // A value that is no duration (or no lock kind) fails before anything connects.
  lockTimeoutMs(options)
  checkLock(options)
  // The version table's rows are asked for while the files are read (withProjectQuery).
  return await withProjectQuery(options, peekApplied, async (project, db, applied) => {
    const idle = nothingToDo(req, project, db, applied)
    if (idle) return idle
    if (applied === undefined && req.refuseUntracked !== undefined && options.allowUntracked !== true) await refuseUntracked(db, project.versionTable, req.refuseUntracked, options.searchPath)
    // The runner (and Kysely, which it runs on) loads only when there is something to run.
    const { runPlan } = await import('../runner/run-plan.ts')
    const result = await runPlan({
      db,
      versionTable: project.versionTable,
      plan: (applied) => {
        if (req.checkApplied !== false) assertAppliedKnown(project, applied)
        if (req.checkFiles !== false) assertUnchanged(project, applied, options.allowChanged === true, options.onWarning)
        return req.planSteps(project, toGraphApplied(applied))
      },
      mode: options.transaction ?? project.config.transaction,
      dryRun: options.dryRun === true,
      recordOnly: req.recordOnly === true,
      lockTimeoutMs: lockTimeoutMs(options, project.config),
      settings: projectSettings(project),
      onEvent: options.onEvent,
      signal: options.signal,
      lease: leaseOf(options, project),
    })
    const done: RunStep[] = result.steps
    if (result.blocked) throw irreversibleStop(project, toGraphApplied(result.before), result.blocked, done)
    return {
      from: currentHeads(project.graph, toGraphApplied(result.before)),
      to: currentAfter(project, result.before, done),
      steps: result.steps.map((s) => ({
        revision: s.revision, direction: s.direction, message: s.message, ms: Math.round(s.ms * 10) / 10,
        ...(!req.recordOnly && s.direction === 'down' && emptyDown(project.scripts.get(s.revision)!) ? { emptyDown: project.scripts.get(s.revision)!.down.path } : {}),
      })),
      dryRun: result.dryRun,
      notRun: result.skipped.map((s, i) => ({
        revision: s.revision,
        direction: s.direction,
        message: project.scripts.get(s.revision)!.message,
        reason: i === 0 ? 'transaction-false' as const : 'after' as const,
      })),
      database: db.description,
    }
  }, req.precheck)
}

/**
 * The start of every application: usually nothing is pending. One read of the version table,
 * without a transaction or the lock, settles that; the result is the same as a locked run with
 * an empty plan. Anything else (no version table yet, a plan with steps, a check that fails)
 * returns undefined and the run proceeds under the lock, where the state is read again and
 * every check is made for real.
 */
function nothingToDo(req: MigrateRequest, project: Project, db: Database, applied: AppliedRecord[] | undefined): MigrateResult | undefined {
  if (!applied) return undefined
  try {
    if (req.checkApplied !== false) assertAppliedKnown(project, applied)
    if (req.checkFiles !== false) assertUnchanged(project, applied, req.options.allowChanged === true)
    if (req.planSteps(project, toGraphApplied(applied)).length > 0) return undefined
  } catch {
    return undefined
  }
  if (req.checkFiles !== false) assertUnchanged(project, applied, req.options.allowChanged === true, req.options.onWarning)
  const heads = currentHeads(project.graph, toGraphApplied(applied))
  return { from: heads, to: heads, steps: [], dryRun: req.options.dryRun === true, notRun: [], database: db.description }
}

/** The downgrade stopped before an irreversible revision: what ran, where that leaves the database, where undoing it by hand would. */
function irreversibleStop(project: Project, before: GraphApplied[], b: Blocked, ran: readonly RunStep[], script?: string): IrreversibleStop {
  const heads = (steps: readonly RunStep[]) => currentHeads(project.graph, appliedAfter(before, steps))
  return new IrreversibleStop(b, ran.map((s) => s.revision), { at: heads(ran), undone: heads([...ran, { revision: b.revision, direction: 'down' }]) }, { script })
}

/** `lock: "table"`: how the runner opens the side session that holds the lease. */
function leaseOf(options: MigrateOptions, project: Project) {
  if (!checkLock(options)) return undefined
  return { open: () => openDatabase(project.config.url, { arrays: false, applicationName: 'sqlmig lock', connectTimeoutSeconds: project.config.connectTimeout }), leaseMs: options.lockLeaseMs }
}

/** True for the table lock; a UsageError for a lock kind that does not exist. */
function checkLock(options: MigrateOptions): boolean {
  if (options.lock === undefined || options.lock === 'advisory') return false
  if (options.lock !== 'table') throw new UsageError(`The lock must be "advisory" or "table", not "${options.lock}"`, { hint: 'Use --lock table on servers without advisory locks (CockroachDB, YugabyteDB)' })
  if (options.kysely) throw new UsageError('The table lock needs a database URL: it holds its lease on a second session', { hint: 'Give the url option instead of kysely, or use the advisory lock' })
  return true
}

/** lock_timeout / statement_timeout from sqlmig.json (a file's header overrides them). */
function projectSettings(project: Project) {
  return { lockTimeout: project.config.pgLockTimeout, statementTimeout: project.config.pgStatementTimeout }
}

export interface ScriptOptions extends CommonOptions {
  /** Start from this revision ("base" for nothing applied) without connecting to the database. */
  from?: string | undefined
  transaction?: TransactionMode | undefined
}

/**
 * The SQL a run would execute, as text (`--sql`): the same schedule the run executes, printed.
 * Connects only to read the current state when `from` is not given.
 * @throws IrreversibleStop a downgrade across an irreversible revision (its `script` holds what runs before the stop)
 */
export async function migrateScript(
  options: ScriptOptions,
  verb: string,
  planSteps: (project: Project, applied: GraphApplied[]) => PlannedStep[],
  fromApplied: (project: Project, from: string) => GraphApplied[],
): Promise<string> {
  const project = openProject(options)
  const applied = options.from !== undefined
    ? fromApplied(project, options.from)
    : await withDatabase(project.config, options, async (db) => toGraphApplied(await readApplied(db, project.versionTable)), embeddedOpenOptions(project, project.config.url))
  const steps = planSteps(project, applied)
  const planned = schedule(steps, { mode: options.transaction ?? project.config.transaction, settings: projectSettings(project) })
  const count = scheduledSteps(planned).length
  const script = renderRunScript({
    versionTable: project.versionTable,
    schedule: planned,
    header: `sqlmig ${verb}: ${count} migration${count === 1 ? '' : 's'}${options.from !== undefined ? ` from ${options.from}` : ''}`,
  })
  if (planned.blocked) {
    throw irreversibleStop(project, applied, planned.blocked, scheduledSteps(planned), script)
  }
  return script
}
