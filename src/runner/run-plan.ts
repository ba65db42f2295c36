/**
 * Executes a schedule (schedule.ts decides the units; this module only runs them). The plan is
 * computed once, inside the lock, from the applied state read in that same transaction. A
 * transaction unit runs between BEGIN and COMMIT with its version rows written just before the
 * COMMIT; a standalone unit (`transaction: false`) runs statement by statement under the
 * session-level lock, its version row written after it. A dry run executes its one transaction
 * unit and rolls it back.
 */
import type { TransactionMode } from '../config.ts'
import type { Database } from '../db/database.ts'
import { EXIT, MigrationFailedError, SqlmigError } from '../errors.ts'
import type { RunListener } from './events.ts'
import { MARK_TRANSACTION } from './execute-file.ts'
import { beginLocked, type LockOptions, lockSession } from './lock.ts'
import { acquireLease, type Lease } from './lock-table.ts'
import { type Blocked, type PlannedStep, schedule, type ScheduledStep, scheduledSteps } from './schedule.ts'
import { throughKysely } from '../db/session-dialect.ts'
import type { AppliedRecord, VersionTableName } from './version-table.ts'
import { ensureVersionTable, isRecorded, readRecorded } from './version-rows.ts'
import { flushAndCommit, flushVersionWrites, type VersionWrite } from './version-writes.ts'
import { canHandOver, commitAndBegin, finishHandover, type Handover } from './handover.ts'
import { type CompletedStep, drainAhead, type Following, type Handoff, type Run, runStep, type RunStep, type Tailed } from './run-step.ts'

export type { CompletedStep, RunStep } from './run-step.ts'



export interface RunRequest {
  db: Database
  versionTable: VersionTableName
  /** Computes the steps from the applied state; called once, with the lock held. Throws to refuse. */
  plan: (applied: AppliedRecord[]) => PlannedStep[]
  mode: TransactionMode
  dryRun: boolean
  /** Only record the version rows, run no migration SQL (stamp). */
  recordOnly?: boolean
  lockTimeoutMs: number | undefined
  settings: { lockTimeout: string | undefined; statementTimeout: string | undefined }
  onEvent?: RunListener | undefined
  /**
   * `--lock table`: hold a lease row (lock-table.ts) for the whole run instead of advisory locks;
   * `open` opens the side session that takes, renews and releases it.
   */
  lease?: { open: () => Promise<Database>; leaseMs?: number | undefined } | undefined
  /**
   * Aborts the run (SIGINT/SIGTERM in the CLI): the running statement is cancelled, nothing
   * more starts, the open transaction rolls back and the lock is released. The abort reason,
   * if a SqlmigError, gives the exit code (130/143).
   */
  signal?: AbortSignal | undefined
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
  blocked?: Blocked | undefined
}

/** Runs the plan; returns what was done. */
export async function runPlan(req: RunRequest): Promise<RunResult> {
  // Every statement of the run goes through Kysely, on the request's one session.
  const { kysely: k, db } = throughKysely(req.db)
  const name = req.versionTable
  const recordOnly = req.recordOnly === true
  const lockOptions: LockOptions = { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent, signal: req.signal }
  const completed: CompletedStep[] = []
  /** completed.length at the last commit: what an interruption leaves applied. */
  let committed = 0
  const cancel = () => void db.cancel().catch(() => {})
  req.signal?.addEventListener('abort', cancel)
  let inTransaction = false
  const begin = async (next?: RunStep): Promise<boolean | undefined> => {
    // Whether the next step is still to do is read in the same round trip as the lock.
    // The transaction's mark travels with BEGIN and the lock attempt: one round trip for the three.
    const nextApplied = await beginLocked(db, name, lockOptions, next ? () => isRecorded(k, name, next.revision) : undefined, recordOnly ? undefined : MARK_TRANSACTION)
    inTransaction = true
    return nextApplied
  }
  const end = async (how: 'commit' | 'rollback', writes: VersionWrite[] = []) => {
    if (how === 'commit') await flushAndCommit(k, name, writes)
    else {
      await flushVersionWrites(k, name, writes)
      await db.exec('rollback')
    }
    inTransaction = false
  }
  const run: Run = { req, db, k, done: 0, total: 0, ahead: [] }
  let side: Database | undefined
  let lease: Lease | undefined
  try {
    if (req.lease) {
      side = await req.lease.open()
      lease = await acquireLease(side, name, { ...lockOptions, leaseMs: req.lease.leaseMs })
      lockOptions.lease = lease
    }
    await begin()
    await ensureVersionTable(k, name)
    const before = await readRecorded(k, name)
    const planned = schedule(req.plan(before), { mode: req.mode, settings: req.settings, dryRun: req.dryRun, recordOnly })
    run.total = scheduledSteps(planned).length
    const finish = (): RunResult => ({ before, steps: completed, skipped: planned.notRun, dryRun: req.dryRun, blocked: planned.blocked })
    /** The first transaction (lock, version table, plan) is still open. */
    let open = true
    /** The next transaction was opened by the handover from the last one: whether its first step is recorded. */
    let handedOver: { applied: boolean | undefined } | undefined
    const handover: Handover | undefined = canHandOver(db, lockOptions) && !req.dryRun
      ? { db, k, name, lock: lockOptions, mark: recordOnly ? undefined : MARK_TRANSACTION }
      : undefined
    const units = planned.units
    /**
     * A transaction of one migration (per-migration) followed by another: its statements,
     * version row, COMMIT and the next transaction's BEGIN, lock and probe can all go in one message.
     */
    const handoffOf = (u: number): Handoff | undefined => {
      const unit = units[u]
      const next = units[u + 1]
      if (!handover || unit?.kind !== 'transaction' || unit.steps.length !== 1 || next?.kind !== 'transaction') return undefined
      return { h: handover, next: { revision: next.steps[0]!.revision, direction: next.steps[0]!.direction } }
    }
    /** The step after step `s` of unit `u` (whose `steps` are those still to do), where it can be sent ahead. */
    const followingAt = (u: number, s: number, steps: ScheduledStep[], earlier: RunStep[]): Following | undefined => {
      const before = [...earlier, steps[s]!]
      if (s + 1 < steps.length) return { step: steps[s + 1]!, earlier: before, handoff: undefined, next: () => followingAt(u, s + 1, steps, before) }
      const unit = units[u + 1]
      if (!handoffOf(u) || unit?.kind !== 'transaction' || unit.steps.length !== 1) return undefined
      return { step: unit.steps[0]!, earlier: [], handoff: handoffOf(u + 1), next: () => followingAt(u + 1, 0, unit.steps, []) }
    }
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!
      if (unit.kind === 'standalone') {
        if (open) await end('commit')
        open = false
        const step = unit.step
        const unlock = await lockSession(db, name, lockOptions)
        try {
          // Someone may have moved the state since our last transaction.
          if ((step.direction === 'up') !== (await isRecorded(k, name, step.revision))) await runStep(run, step, false, completed)
          committed = completed.length
        } finally {
          await unlock()
        }
        continue
      }
      let steps = unit.steps
      if (handedOver) steps = await stillToDo(steps, handedOver.applied, (s) => isRecorded(k, name, s.revision))
      else if (!open) steps = await stillToDo(steps, await begin(steps[0]), (s) => isRecorded(k, name, s.revision))
      open = false
      handedOver = undefined
      if (run.ahead.length && run.ahead[0]!.step !== steps[0]) throw new Error('sqlmig: a step sent ahead is not the next to run')
      const writes: VersionWrite[] = []
      const groupStart = completed.length
      const following = units[u + 1]
      const next = following?.kind === 'transaction' ? following.steps[0] : undefined
      const handoff = handoffOf(u)
      let tailed: Tailed | undefined
      try {
        for (let s = 0; s < steps.length; s++) {
          // Read-ahead: the steps sent while this one runs (the next ones of this transaction,
          // or the first of the one this step's handover opens, and so on).
          tailed = await runStep(run, steps[s]!, true, completed, writes, completed.slice(groupStart), handoff, followingAt(u, s, steps, completed.slice(groupStart)))
        }
      } catch (error) {
        throw withEnumValueSource(error, steps)
      }
      if (req.dryRun) {
        await end('rollback', writes)
        req.onEvent?.({ type: 'rollback', reason: 'dry-run' })
        return finish()
      }
      const onCommitted = () => {
        committed = completed.length
        if (steps.length) req.onEvent?.({ type: 'commit', revisions: steps.map((s) => s.revision) })
      }
      if (handover && next) {
        // This transaction's COMMIT and the next one's BEGIN, lock and probe: one message, the
        // file's own when it went with it.
        handedOver = {
          applied: tailed
            ? await finishHandover(handover, tailed.sql, 0, tailed.reply, { revision: next.revision, direction: next.direction }, onCommitted, () => drainAhead(run))
            : await commitAndBegin(handover, writes, { revision: next.revision, direction: next.direction }, onCommitted),
        }
        inTransaction = true
        continue
      }
      await end('commit', writes)
      onCommitted()
    }
    if (open) await end(req.dryRun ? 'rollback' : 'commit')
    return finish()
  } catch (error) {
    // A message sent ahead is answered first; it ran nothing (see runStep).
    await drainAhead(run)
    // After an abort the session may sit in a transaction beginLocked opened: roll back anyway.
    if (inTransaction || req.signal?.aborted) {
      await db.exec('rollback').catch(() => {})
      req.onEvent?.({ type: 'rollback', reason: 'error' })
    }
    if (req.signal?.aborted) throw interrupted(req.signal.reason, error, completed.slice(0, committed))
    throw error
  } finally {
    req.signal?.removeEventListener('abort', cancel)
    await lease?.release()
    await side?.close()
  }
}

/**
 * A later transaction unit without the leading steps someone else did since our last
 * transaction (only the next step is checked each time, not the whole table again: a
 * per-migration run stays linear in the number of migrations).
 */
async function stillToDo(steps: ScheduledStep[], firstApplied: boolean | undefined, applied: (s: ScheduledStep) => Promise<boolean>): Promise<ScheduledStep[]> {
  let k = 0
  let done = firstApplied
  while (k < steps.length && (steps[k]!.direction === 'up') === done) {
    k++
    if (k < steps.length) done = await applied(steps[k]!)
  }
  return k === 0 ? steps : steps.slice(k)
}

const ADD_VALUE = /\balter\s+type\s[\s\S]*?\badd\s+value\b/i

/**
 * 55P04, "unsafe use of new value": a value `ALTER TYPE ... ADD VALUE` added is used before the
 * transaction that added it commits. Names the migration of this transaction that added it
 * (the failing one, or the nearest before it).
 */
function withEnumValueSource(error: unknown, group: readonly ScheduledStep[]): unknown {
  if (!(error instanceof MigrationFailedError) || error.sqlState !== '55P04') return error
  const at = group.findIndex((s) => s.revision === error.revision)
  const upTo = at === -1 ? group : group.slice(0, at + 1)
  const from = [...upTo].reverse().find((s) => ADD_VALUE.test(s.file.text))
  if (!from) return error
  return error.withDetail(error.detail, { revision: from.revision, file: from.file.path, sameFile: from.revision === error.revision })
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

