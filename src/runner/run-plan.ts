/**
 * Applies a plan through a Database. The plan is computed once, inside the lock, from the
 * applied state read in that same transaction; then steps run in transaction groups:
 *  - mode "all": every transactional step of the run in ONE transaction (all or nothing);
 *  - mode "per-migration": a transaction (and a lock) per step, committed one by one;
 *  - a `transaction: false` file always runs alone, outside a transaction, statement by
 *    statement, under the session-level lock.
 * A dry run executes the first transaction group and rolls it back.
 */
import type { TransactionMode } from '../config.ts'
import type { Database } from '../db/database.ts'
import { EXIT, MigrationFailedError, SqlmigError, UsageError } from '../errors.ts'
import type { Script, ScriptFile } from '../files/script.ts'
import type { Direction, RunListener } from './events.ts'
import { executeFile, MARK_TRANSACTION, statementsOf } from './execute-file.ts'
import { beginLocked, lockSession } from './lock.ts'
import {
  type AppliedRecord,
  deleteVersionStatements,
  ensureVersionTable,
  insertVersionStatements,
  isApplied,
  readApplied,
  type Statement,
  type VersionRow,
  type VersionTableName,
} from './version-table.ts'

/** Version-table writes of a transaction group, in order, written together just before COMMIT. */
type VersionWrite = { insert: VersionRow } | { delete: string }

/** The statements that write the buffered rows: one INSERT (or DELETE) per run of the same kind, in order. */
function versionWriteStatements(name: VersionTableName, writes: VersionWrite[]): Statement[] {
  const out: Statement[] = []
  for (let i = 0; i < writes.length;) {
    let j = i
    while (j < writes.length && ('insert' in writes[j]!) === ('insert' in writes[i]!)) j++
    const run = writes.slice(i, j)
    if ('insert' in run[0]!) out.push(...insertVersionStatements(name, run.map((w) => (w as { insert: VersionRow }).insert)))
    else out.push(...deleteVersionStatements(name, run.map((w) => (w as { delete: string }).delete)))
    i = j
  }
  writes.length = 0
  return out
}

/** Writes the buffered rows now. */
async function flushVersionWrites(db: Database, name: VersionTableName, writes: VersionWrite[]): Promise<void> {
  for (const q of versionWriteStatements(name, writes)) await db.query(q.text, q.params)
}

/**
 * Writes the buffered rows and commits, all sent together (one round trip). If a write fails,
 * the server turns the COMMIT that follows it into a ROLLBACK, and the write's error is thrown.
 */
async function flushAndCommit(db: Database, name: VersionTableName, writes: VersionWrite[]): Promise<void> {
  const statements = versionWriteStatements(name, writes)
  await Promise.all([...statements.map((q) => db.query(q.text, q.params)), db.exec('commit')])
}

export interface RunStep {
  revision: string
  direction: Direction
}

export interface RunRequest {
  db: Database
  versionTable: VersionTableName
  scripts: ReadonlyMap<string, Script>
  /** Computes the steps from the applied state; called once, with the lock held. Throws to refuse. */
  plan: (applied: AppliedRecord[]) => RunStep[]
  mode: TransactionMode
  dryRun: boolean
  /** Only record the version rows, run no migration SQL (stamp). */
  recordOnly?: boolean
  lockTimeoutMs: number | undefined
  settings: { lockTimeout: string | undefined; statementTimeout: string | undefined }
  onEvent?: RunListener | undefined
  /**
   * Aborts the run (SIGINT/SIGTERM in the CLI): the running statement is cancelled, nothing
   * more starts, the open transaction rolls back and the lock is released. The abort reason,
   * if a SqlmigError, gives the exit code (130/143).
   */
  signal?: AbortSignal | undefined
}

export interface CompletedStep extends RunStep {
  message: string
  ms: number
}

export interface RunResult {
  /** Applied revisions before the run (in applied order). */
  before: AppliedRecord[]
  /** Steps that ran (and were committed unless dryRun). */
  steps: CompletedStep[]
  /** Steps planned but not run (dry run stopped at a non-transactional migration). */
  skipped: RunStep[]
  dryRun: boolean
  /** The downgrade stopped before this irreversible revision (the steps before it ran). */
  blocked?: { revision: string; reason: string; file: string } | undefined
}

const fileOf = (script: Script, d: Direction): ScriptFile => (d === 'up' ? script.up : script.down)

/** Runs the plan; returns what was done. */
export async function runPlan(req: RunRequest): Promise<RunResult> {
  const { db, versionTable: name } = req
  const lockOptions = { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal }
  const completed: CompletedStep[] = []
  /** completed.length at the last commit: what an interruption leaves applied. */
  let committed = 0
  const cancel = () => void db.cancel().catch(() => {})
  req.signal?.addEventListener('abort', cancel)
  let before: AppliedRecord[] = []
  let pending: RunStep[] | undefined
  /** pending[at] is the next step to run (an index, not slices: a 10k-step run stays linear). */
  let at = 0
  let inTransaction = false
  let blocked: RunResult['blocked']
  const finish = (skipped: RunStep[], dryRun: boolean): RunResult => ({ before, steps: completed, skipped, dryRun, blocked })
  try {
    for (;;) {
      // per-migration, after the first transaction: whether the next step is still to do is read
      // in the same round trip as the lock (someone may have moved the state between our transactions).
      const next = pending?.[at]
      const nextApplied = await beginLocked(db, name, lockOptions, next ? () => isApplied(db, name, next.revision) : undefined)
      inTransaction = true
      if (!req.recordOnly) await db.exec(MARK_TRANSACTION)
      if (pending === undefined) {
        await ensureVersionTable(db, name)
        const applied = await readApplied(db, name)
        before = applied
        pending = req.plan(applied)
        checkRunnable(req, pending)
        // A downgrade stops before the first irreversible revision; the steps before it run.
        const stop = req.recordOnly ? -1 : pending.findIndex((s) => s.direction === 'down' && req.scripts.get(s.revision)!.down.irreversible)
        if (stop >= 0) {
          const script = req.scripts.get(pending[stop]!.revision)!
          blocked = { revision: script.id, reason: script.down.irreversible!, file: script.down.path }
          pending = pending.slice(0, stop)
        }
        for (const step of pending) statementsOf(fileOf(req.scripts.get(step.revision)!, step.direction))
      } else {
        // per-migration: someone may have moved the state between our transactions.
        // Only the next step is checked, not the whole table again: per-migration runs stay
        // linear in the number of migrations (re-reading every row each time was quadratic).
        let applied = nextApplied
        while (pending[at] && (pending[at]!.direction === 'up') === applied) {
          at++
          if (pending[at]) applied = await isApplied(db, name, pending[at]!.revision)
        }
      }
      const group: RunStep[] = []
      for (let k = at; k < pending.length; k++) {
        const step = pending[k]!
        const script = req.scripts.get(step.revision)!
        if (!req.recordOnly && !fileOf(script, step.direction).transaction) break
        group.push(step)
        if (req.mode === 'per-migration' && !req.dryRun) break
      }
      if (group.length === 0 && at >= pending.length) {
        await db.exec(req.dryRun ? 'rollback' : 'commit')
        inTransaction = false
        return finish([], req.dryRun)
      }
      let previousHadSettings = false
      const writes: VersionWrite[] = []
      const groupStart = completed.length
      for (const step of group) {
        previousHadSettings = await runStep(req, step, true, previousHadSettings, completed, writes, completed.slice(groupStart))
      }
      at += group.length
      if (req.dryRun) {
        await flushVersionWrites(db, name, writes)
        await db.exec('rollback')
        inTransaction = false
        req.onEvent?.({ type: 'rollback', reason: 'dry-run' })
        return finish(pending.slice(at), true)
      }
      await flushAndCommit(db, name, writes)
      inTransaction = false
      committed = completed.length
      if (group.length) req.onEvent?.({ type: 'commit', revisions: group.map((s) => s.revision) })
      if (at < pending.length && group.length === 0) {
        const step = pending[at]!
        const unlock = await lockSession(db, name, lockOptions)
        try {
          if ((step.direction === 'up') !== (await isApplied(db, name, step.revision))) await runStep(req, step, false, false, completed)
          committed = completed.length
        } finally {
          await unlock()
        }
        at++
      }
      if (at >= pending.length) return finish([], false)
    }
  } catch (error) {
    // After an abort the session may sit in a transaction beginLocked opened: roll back anyway.
    if (inTransaction || req.signal?.aborted) {
      await db.exec('rollback').catch(() => {})
      req.onEvent?.({ type: 'rollback', reason: 'error' })
    }
    if (req.signal?.aborted) throw interrupted(req.signal.reason, error, completed.slice(0, committed))
    throw error
  } finally {
    req.signal?.removeEventListener('abort', cancel)
  }
}

/** Throws the abort reason when the run was aborted (checked before each step and statement). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason
}

/** The error an aborted run ends with: what was rolled back, what stays committed, the exit code of the signal. */
function interrupted(reason: unknown, error: unknown, committed: CompletedStep[]): SqlmigError {
  const why = reason instanceof Error ? reason.message : 'Interrupted'
  const lines: string[] = []
  if (error instanceof MigrationFailedError && error.detail) lines.push(error.detail)
  lines.push(committed.length
    ? `Committed before the interruption and still applied: ${committed.map((s) => `${s.revision} (${s.direction})`).join(', ')}`
    : 'Nothing of this run was committed')
  return new SqlmigError('INTERRUPTED', `${why}: the unfinished transaction was rolled back and the migration lock released`, {
    exitCode: reason instanceof SqlmigError ? reason.exitCode : EXIT.sigint,
    location: error instanceof MigrationFailedError ? error.location : undefined,
    detail: lines.join('\n'),
    hint: 'Run the command again to continue',
    cause: error,
  })
}

function checkRunnable(req: RunRequest, steps: RunStep[]): void {
  for (const step of steps) {
    const script = req.scripts.get(step.revision)
    if (!script) throw new SqlmigError('INTERNAL', `No file for planned revision "${step.revision}"`)
    if (req.dryRun && !req.recordOnly && !fileOf(script, step.direction).transaction && steps.indexOf(step) === 0) {
      throw new UsageError(`Cannot dry-run revision "${step.revision}": it runs outside a transaction (transaction: false), so it cannot be rolled back`, {
        hint: 'Run it for real, or rehearse on a copy of the database',
      })
    }
  }
}

/**
 * Runs one step; returns whether it set timeouts (so the next one resets them). Inside a
 * transaction the version row goes to `writes` (written before COMMIT, in one statement for the
 * group); outside one it is written at once.
 */
async function runStep(
  req: RunRequest, step: RunStep, inTransaction: boolean, previousHadSettings: boolean, out: CompletedStep[], writes: VersionWrite[] = [],
  /** The steps run earlier in this same transaction. */
  earlier: CompletedStep[] = [],
): Promise<boolean> {
  const { db, versionTable: name } = req
  const script = req.scripts.get(step.revision)!
  const file = fileOf(script, step.direction)
  throwIfAborted(req.signal)
  req.onEvent?.({ type: 'step-start', revision: step.revision, direction: step.direction, message: script.message, file: file.path })
  const started = performance.now()
  const lockTimeout = file.lockTimeout ?? req.settings.lockTimeout
  const statementTimeout = file.statementTimeout ?? req.settings.statementTimeout
  const hasSettings = lockTimeout !== undefined || statementTimeout !== undefined
  if (!req.recordOnly) {
    const statements = statementsOf(file)
    if (hasSettings || previousHadSettings) await applySettings(db, lockTimeout, statementTimeout, inTransaction)
    await executeFile(db, file, statements, {
      revision: step.revision,
      listProgress: !inTransaction,
      inTransactionBlock: inTransaction,
      lostTransactionNote: earlier.length ? `the changes of ${earlier.map((s) => `${s.revision} (${s.direction})`).join(', ')}` : 'nothing from earlier migrations of this run',
      signal: req.signal,
      rolledBackNote: inTransaction
        ? req.mode === 'all' ? 'All changes of this run were rolled back; the version table is unchanged' : `Revision "${step.revision}" was rolled back; earlier revisions stay applied`
        : `Revision "${step.revision}" ran outside a transaction: it is NOT recorded as applied; undo or finish the statements that ran by hand`,
    })
    if (!inTransaction && hasSettings) await applySettings(db, undefined, undefined, false)
  }
  const ms = performance.now() - started
  if (step.direction === 'up') {
    writes.push({ insert: { revision: script.id, parents: script.parents, message: script.message, checksum: script.checksum, executionMs: ms } })
  } else {
    writes.push({ delete: script.id })
  }
  if (!inTransaction) await flushVersionWrites(db, name, writes)
  out.push({ ...step, message: script.message, ms })
  req.onEvent?.({ type: 'step-done', revision: step.revision, direction: step.direction, ms })
  return hasSettings
}

/** lock_timeout / statement_timeout for one migration: SET LOCAL inside a transaction (undefined → the session default). */
async function applySettings(db: Database, lockTimeout: string | undefined, statementTimeout: string | undefined, local: boolean): Promise<void> {
  for (const [setting, value] of [['lock_timeout', lockTimeout], ['statement_timeout', statementTimeout]] as const) {
    if (value === undefined) await db.exec(`set ${local ? 'local ' : ''}${setting} to default`)
    else await db.query(`select pg_catalog.set_config($1, $2, ${local ? 'true' : 'false'})`, [setting, value])
  }
}
