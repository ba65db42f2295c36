/**
 * Runs one step of a run (run-plan.ts decides which, in which transaction): its file, its
 * version row (buffered for the transaction's COMMIT, or written at once outside one), its
 * progress events, and the read-ahead that sends the steps after it while it runs.
 */
import type { TransactionMode } from '../config.ts'
import type { Database } from '../db/database.ts'
import type { Kysely } from 'kysely'
import type { Direction, RunListener } from './events.ts'
import type { SentFile, TailReply } from './execute-file.ts'
import { type Handover, type HandoverSql, handoverSql, type NextStep } from './handover.ts'
import { runFile, type RunFileOptions, sendFile } from './run-file.ts'
import type { ScheduledStep } from './schedule.ts'
import type { VersionTableName } from './version-table.ts'
import { insertServerTimedRow } from './version-rows.ts'
import { flushVersionWrites, type VersionWrite, versionWriteSql } from './version-writes.ts'

export interface RunStep {
  revision: string
  direction: Direction
}

export interface CompletedStep extends RunStep {
  message: string
  ms: number
}

/** Throws the abort reason when the run was aborted (checked before each step and statement). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason
}

/** What of the run's request (run-plan.ts's RunRequest) a step reads. */
export interface StepRequest {
  versionTable: VersionTableName
  mode: TransactionMode
  dryRun: boolean
  recordOnly?: boolean | undefined
  onEvent?: RunListener | undefined
  signal?: AbortSignal | undefined
}

/** A run's request and its session through Kysely. */
export interface Run {
  req: StepRequest
  db: Database
  k: Kysely<any>
  /** Steps done so far, and the number the schedule holds (for "[3/20]"). */
  done: number
  total: number
  /** The steps whose messages were sent while the one before them ran (read-ahead), replies unread, in order. */
  ahead: Ahead[]
}

/** Sends a step's version row and the handover to `next` behind its file, in its message. */
export type Handoff = { h: Handover; next: NextStep }

/** A step whose message was sent before the reply to the one before it was read. */
export interface Ahead {
  step: ScheduledStep
  sent: SentFile
  tail: HandoverSql | undefined
}

/** The step to send ahead while a step runs, in the same transaction or the one its handover opens. */
export interface Following {
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
export async function drainAhead(run: Run): Promise<void> {
  const ahead = run.ahead.splice(0)
  for (const a of ahead) await a.sent.settle().catch(() => {})
}

/** A step whose version row and handover went in its file's message, and the server's reply to them. */
export interface Tailed {
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

export async function runStep(
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
