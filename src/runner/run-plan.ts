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
import type { Direction, RunListener } from './events.ts'
import { MARK_TRANSACTION } from './execute-file.ts'
import { runFile, type RunFileOptions, sendFile } from './run-file.ts'
import { beginLocked, type LockOptions, lockSession } from './lock.ts'
import { acquireLease, type Lease } from './lock-table.ts'
import { type Blocked, type PlannedStep, schedule, type ScheduledStep, scheduledSteps } from './schedule.ts'
import type { Kysely } from 'kysely'
import { throughKysely } from '../db/session-dialect.ts'
import type { AppliedRecord, VersionTableName } from './version-table.ts'
import { ensureVersionTable, isRecorded, readRecorded } from './version-rows.ts'
import { flushAndCommit, flushVersionWrites, type VersionWrite } from './version-writes.ts'
import { canHandOver, commitAndBegin, finishHandover, type Handover, type HandoverSql, handoverSql, type NextStep } from './handover.ts'
import type { SentFile, TailReply } from './execute-file.ts'
import { versionWriteSql } from './version-writes.ts'
import { insertServerTimedRow } from './version-rows.ts'

export interface RunStep {
  revision: string
  direction: Direction
}

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

/**
 * Runs one step. Inside a transaction the version row goes to `writes` (written before COMMIT,
 * in one statement for the group); outside one it is written at once.
 */
/** A run's request and its session through Kysely. */
interface Run {
  req: RunRequest
  db: Database
  k: Kysely<any>
  /** Steps done so far, and the number the schedule holds (for "[3/20]"). */
  done: number
  total: number
  /** The steps whose messages were sent while the one before them ran (read-ahead), replies unread, in order. */
  ahead: Ahead[]
}

/** Sends a step's version row and the handover to `next` behind its file, in its message. */
type Handoff = { h: Handover; next: NextStep }

/** A step whose message was sent before the reply to the one before it was read. */
interface Ahead {
  step: ScheduledStep
  sent: SentFile
  tail: HandoverSql | undefined
}

/** The step to send ahead while a step runs, in the same transaction or the one its handover opens. */
interface Following {
  step: ScheduledStep
  /** The steps before it in its transaction. */
  earlier: RunStep[]
  handoff: Handoff | undefined
  /** The step after it, where that can be sent ahead too. */
  next: () => Following | undefined
}

/** Messages in flight at most: the running step's and this many sent ahead of it. */
const READ_AHEAD = 2

/** Reads (and ignores) the replies to the messages sent ahead, if any: they are answered before anything sent later. */
async function drainAhead(run: Run): Promise<void> {
  const ahead = run.ahead.splice(0)
  for (const a of ahead) await a.sent.settle().catch(() => {})
}

/** A step whose version row and handover went in its file's message, and the server's reply to them. */
interface Tailed {
  reply: TailReply
  sql: HandoverSql
}

/** The version row and handover sent behind a step's file (per-migration), if it has a handoff. */
function tailOf(run: Run, step: ScheduledStep, handoff: Handoff | undefined): HandoverSql | undefined {
  if (!handoff || run.req.recordOnly) return undefined
  const { k } = run
  const name = run.req.versionTable
  const script = step.node
  const row = step.direction === 'up'
    ? insertServerTimedRow(k, name, { revision: script.id, parents: script.parents, message: script.message, checksum: script.checksum }).sql
    : versionWriteSql(k, name, [{ delete: script.id }])[0]!
  return handoverSql(handoff.h, [row], handoff.next)
}

/** How runFile runs a step's file. */
function fileOptions(run: Run, step: ScheduledStep, inTransaction: boolean, earlier: RunStep[], tail: HandoverSql | undefined): RunFileOptions {
  const { req } = run
  return {
    tail: tail?.texts,
    transaction: inTransaction ? 'caller' : 'none',
    direction: step.direction,
    statements: step.statements,
    before: step.before,
    after: step.after,
    revision: step.revision,
    lostTransactionNote: earlier.length ? `the changes of ${earlier.map((s) => `${s.revision} (${s.direction})`).join(', ')}` : 'nothing from earlier migrations of this run',
    signal: req.signal,
    rolledBackNote: inTransaction
      ? req.dryRun ? 'Dry run: everything was rolled back; nothing was applied' : req.mode === 'all' ? 'All changes of this run were rolled back; the version table is unchanged' : `Revision "${step.revision}" was rolled back; earlier revisions stay applied`
      : step.direction === 'up'
      ? `Revision "${step.revision}" ran outside a transaction: it is NOT recorded as applied; undo or finish the statements that ran by hand`
      : `Revision "${step.revision}" ran outside a transaction: it is still recorded as applied, and the statements of its down that ran are NOT undone; finish or revert them by hand`,
  }
}

/**
 * Read-ahead: on a server session whose replies sqlmig reads (Database.execSequence), a step's
 * message is sent while the step before it runs, so that the client's work for it overlaps the
 * server's. Safe because nothing in it runs unless the one before left the run's transaction
 * open and well: after a failure there the transaction is aborted (or, after a failed COMMIT,
 * gone) and the message sent ahead starts with the runner's check, which then fails, so it
 * changes nothing; a handover's lock and probe are assertions that abort the new transaction
 * when the lock is not ours or the step was done meanwhile (handover.ts).
 */
function sendAhead(run: Run, f: Following): Ahead | undefined {
  if (f.step.after.length || run.req.signal?.aborted) return undefined
  const tail = tailOf(run, f.step, f.handoff)
  const sent = sendFile(run.db, f.step.file, { ...fileOptions(run, f.step, true, f.earlier, tail), ahead: true })
  return sent && { step: f.step, sent, tail }
}

async function runStep(
  run: Run, step: ScheduledStep, inTransaction: boolean, out: CompletedStep[], writes: VersionWrite[] = [],
  /** The steps run earlier in this same transaction. */
  earlier: RunStep[] = [],
  /** Send the version row and the handover to `next` behind the file, in its message, where the file allows. */
  handoff?: Handoff | undefined,
  /** The step to send while this one runs (read-ahead), where both files allow. */
  following?: Following | undefined,
): Promise<Tailed | undefined> {
  const { req, db, k } = run
  const name = req.versionTable
  const script = step.node
  const ahead = run.ahead[0]?.step === step ? run.ahead.shift() : undefined
  // A step already sent is not stopped here: its reply says whether it ran (and committed).
  if (!ahead) throwIfAborted(req.signal)
  const count = { index: run.done + 1, total: run.total, recordOnly: req.recordOnly === true }
  req.onEvent?.({ type: 'step-start', revision: step.revision, direction: step.direction, message: script.message, file: step.file.path, ...count })
  const started = performance.now()
  const tail = ahead ? ahead.tail : tailOf(run, step, handoff)
  let reply: TailReply | undefined
  if (!req.recordOnly) {
    const options = fileOptions(run, step, inTransaction, earlier, tail)
    const readAhead = inTransaction && following !== undefined && db.execSequence !== undefined && step.after.length === 0
    const sent = ahead?.sent ?? (readAhead ? sendFile(db, step.file, { ...options, ahead: false }) : undefined)
    if (sent) {
      // Up to READ_AHEAD steps behind this one on the wire (each stops at the first that cannot go).
      let f = following
      for (let d = 0; f !== undefined && d < READ_AHEAD; d++, f = f.next()) {
        if (d < run.ahead.length) continue
        const sentAhead = sendAhead(run, f)
        if (sentAhead === undefined) break
        run.ahead.push(sentAhead)
      }
      reply = await sent.settle()
    } else reply = await runFile(db, step.file, options)
  }
  const ms = performance.now() - started
  if (reply && tail) {
    out.push({ revision: step.revision, direction: step.direction, message: script.message, ms })
    run.done++
    req.onEvent?.({ type: 'step-done', revision: step.revision, direction: step.direction, ms, ...count })
    return { reply, sql: tail }
  }
  if (step.direction === 'up') {
    writes.push({ insert: { revision: script.id, parents: script.parents, message: script.message, checksum: script.checksum, executionMs: ms } })
  } else {
    writes.push({ delete: script.id })
  }
  if (!inTransaction) await flushVersionWrites(k, name, writes)
  out.push({ revision: step.revision, direction: step.direction, message: script.message, ms })
  run.done++
  req.onEvent?.({ type: 'step-done', revision: step.revision, direction: step.direction, ms, ...count })
  return undefined
}
