/**
 * The schedule: how a plan's steps run. Pure, no database: the one place that decides which
 * steps share a transaction, which run alone outside one, which settings each runs with, where
 * a downgrade stops (an irreversible revision) and what a dry run leaves out. The runner
 * executes the units, `--sql` prints the same units, `--dry-run` executes them and rolls back.
 *
 *  - mode "all": every transactional step of the run in ONE transaction (all or nothing);
 *  - mode "per-migration": a transaction per step, committed one by one;
 *  - a `transaction: false` file always runs alone, outside a transaction, statement by
 *    statement (under the session-level lock);
 *  - a dry run is one transaction of the steps before the first `transaction: false` one,
 *    rolled back; that one and the rest are not run;
 *  - record-only (stamp) runs no file: every step is a version-table write in one transaction
 *    (or one per step in per-migration mode).
 */
import type { TransactionMode } from '../config.ts'
import { UsageError } from '../errors.ts'
import type { Script, ScriptFile } from '../files/script.ts'
import type { Step } from '../graph/plan.ts'
import type { SplitStatement } from '../sql/split.ts'
import { statementsOf } from './execute-file.ts'
import { quoteLiteral } from '../sql/quote.ts'

/** A planned migration: the revision's up or down, with its Script. */
export type PlannedStep = Step<Script>

/** One step as it runs: its file, its statements, and the settings statements around it. */
export interface ScheduledStep extends PlannedStep {
  file: ScriptFile
  /** The file's statements (none when record-only). */
  statements: SplitStatement[]
  /** SET statements run just before the file (lock_timeout, statement_timeout). */
  before: string[]
  /** SET statements run just after it (a standalone file resets the session). */
  after: string[]
}

/** A transaction group (BEGIN, its steps and their version rows, COMMIT) or one step run outside a transaction. */
export type Unit =
  | { kind: 'transaction'; steps: ScheduledStep[] }
  | { kind: 'standalone'; step: ScheduledStep }

/** Where a downgrade stops: the first irreversible revision (the steps before it run). */
export interface Blocked {
  revision: string
  reason: string
  file: string
}

export interface Schedule {
  units: Unit[]
  /** The downgrade stops before this revision; undefined when every step runs. */
  blocked: Blocked | undefined
  /** Dry run only: the steps it does not run (the first `transaction: false` one and all after it). */
  notRun: PlannedStep[]
  dryRun: boolean
}

export interface ScheduleOptions {
  mode: TransactionMode
  /** The project's lock_timeout / statement_timeout; a file's header overrides them. */
  settings: { lockTimeout: string | undefined; statementTimeout: string | undefined }
  dryRun?: boolean | undefined
  /** Record the version rows only, run no file (stamp). */
  recordOnly?: boolean | undefined
}

const fileOf = (step: PlannedStep): ScriptFile => (step.direction === 'up' ? step.node.up : step.node.down)

/**
 * Turns planned steps into units.
 * @throws InvalidMigrationError a file that cannot be split or controls the transaction (statementsOf);
 *   UsageError a dry run whose first step runs outside a transaction
 */
export function schedule(steps: readonly PlannedStep[], options: ScheduleOptions): Schedule {
  const recordOnly = options.recordOnly === true
  const dryRun = options.dryRun === true
  let runnable = steps
  let blocked: Blocked | undefined
  if (!recordOnly) {
    const stop = steps.findIndex((s) => s.direction === 'down' && s.node.down.irreversible !== undefined)
    if (stop >= 0) {
      const script = steps[stop]!.node
      blocked = { revision: script.id, reason: script.down.irreversible!, file: script.down.path }
      runnable = steps.slice(0, stop)
    }
  }
  // Every file is split (and checked) before anything runs, not when its turn comes.
  const prepared = runnable.map((step) => ({ step, file: fileOf(step), statements: recordOnly ? [] : statementsOf(fileOf(step)) }))
  const transactional = (k: number) => recordOnly || prepared[k]!.file.transaction
  let notRun: PlannedStep[] = []
  let count = prepared.length
  if (dryRun) {
    if (count > 0 && !transactional(0)) {
      throw new UsageError(`Cannot dry-run revision "${prepared[0]!.step.revision}": it runs outside a transaction (transaction: false), so it cannot be rolled back`, {
        hint: 'Run it for real, or rehearse on a copy of the database',
      })
    }
    const first = prepared.findIndex((_, k) => !transactional(k))
    if (first >= 0) {
      notRun = prepared.slice(first).map((p) => p.step)
      count = first
    }
  }
  const units: Unit[] = []
  let group: ScheduledStep[] | undefined
  let previousHadSettings = false
  for (let k = 0; k < count; k++) {
    const { step, file, statements } = prepared[k]!
    const values = recordOnly ? undefined : settingsOf(file, options.settings)
    if (!transactional(k)) {
      group = undefined
      previousHadSettings = false
      const before = settingStatements(file, options.settings, false)
      const after = settingStatements(file, options.settings, false, true)
      units.push({ kind: 'standalone', step: { ...step, file, statements, before, after } })
      continue
    }
    if (group === undefined || (options.mode === 'per-migration' && !dryRun)) {
      group = []
      previousHadSettings = false
      units.push({ kind: 'transaction', steps: group })
    }
    // Inside a transaction, SET LOCAL: a step with settings sets both, and the step after it
    // sets them back to the session's defaults.
    const before = values ? setStatements(values, true) : previousHadSettings ? setStatements(DEFAULTS, true) : []
    previousHadSettings = values !== undefined
    group.push({ ...step, file, statements, before, after: [] })
  }
  return { units, blocked, notRun, dryRun }
}

/** lock_timeout / statement_timeout values (undefined: the session default). */
export type Settings = { lockTimeout: string | undefined; statementTimeout: string | undefined }

const DEFAULTS: Settings = { lockTimeout: undefined, statementTimeout: undefined }

/**
 * The SET statements a file runs with (its header over the project's settings; none when
 * neither sets anything), or with `reset`, those that restore the session defaults after it.
 */
export function settingStatements(file: ScriptFile, project: Settings = DEFAULTS, local: boolean, reset = false): string[] {
  const values = settingsOf(file, project)
  if (values === undefined) return []
  return setStatements(reset ? DEFAULTS : values, local)
}

/** The file's settings (its header over the project's), or undefined when it has none. */
function settingsOf(file: ScriptFile, project: Settings): Settings | undefined {
  const lockTimeout = file.lockTimeout ?? project.lockTimeout
  const statementTimeout = file.statementTimeout ?? project.statementTimeout
  return lockTimeout === undefined && statementTimeout === undefined ? undefined : { lockTimeout, statementTimeout }
}

/** The SET statements for both settings (undefined: back to the session default). */
function setStatements(values: Settings, local: boolean): string[] {
  const set = local ? 'set local' : 'set'
  return [['lock_timeout', values.lockTimeout], ['statement_timeout', values.statementTimeout]].map(([name, value]) =>
    `${set} ${name} to ${value === undefined ? 'default' : quoteLiteral(value)}`
  )
}

/** Every step of the schedule, in the order they run. */
export function scheduledSteps(s: Schedule): ScheduledStep[] {
  return s.units.flatMap((u) => (u.kind === 'transaction' ? u.steps : [u.step]))
}
