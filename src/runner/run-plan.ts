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
import { SqlmigError, UsageError } from '../errors.ts'
import type { Script, ScriptFile } from '../files/script.ts'
import type { Direction, RunListener } from './events.ts'
import { executeFile, statementsOf } from './execute-file.ts'
import { beginLocked, lockSession } from './lock.ts'
import {
  type AppliedRecord,
  deleteVersionQuery,
  ensureVersionTable,
  insertVersionQuery,
  readApplied,
  type VersionTableName,
} from './version-table.ts'

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
}

const fileOf = (script: Script, d: Direction): ScriptFile => (d === 'up' ? script.up : script.down)

/** Runs the plan; returns what was done. */
export async function runPlan(req: RunRequest): Promise<RunResult> {
  const { db, versionTable: name } = req
  const lockOptions = { timeoutMs: req.lockTimeoutMs, onEvent: req.onEvent }
  const completed: CompletedStep[] = []
  let before: AppliedRecord[] = []
  let pending: RunStep[] | undefined
  let inTransaction = false
  try {
    for (;;) {
      await beginLocked(db, name, lockOptions)
      inTransaction = true
      await ensureVersionTable(db, name)
      const applied = await readApplied(db, name)
      if (pending === undefined) {
        before = applied
        pending = req.plan(applied)
        checkRunnable(req, pending)
        for (const step of pending) statementsOf(fileOf(req.scripts.get(step.revision)!, step.direction))
      } else {
        // per-migration: someone may have moved the state between our transactions.
        const done = new Set(applied.map((a) => a.revision))
        pending = pending.filter((s) => (s.direction === 'up') !== done.has(s.revision))
      }
      const group: RunStep[] = []
      for (const step of pending) {
        const script = req.scripts.get(step.revision)!
        if (!req.recordOnly && !fileOf(script, step.direction).transaction) break
        group.push(step)
        if (req.mode === 'per-migration' && !req.dryRun) break
      }
      if (group.length === 0 && pending.length === 0) {
        await db.exec(req.dryRun ? 'rollback' : 'commit')
        inTransaction = false
        return { before, steps: completed, skipped: [], dryRun: req.dryRun }
      }
      let previousHadSettings = false
      for (const step of group) {
        previousHadSettings = await runStep(req, step, true, previousHadSettings, completed)
      }
      pending = pending.slice(group.length)
      if (req.dryRun) {
        await db.exec('rollback')
        inTransaction = false
        req.onEvent?.({ type: 'rollback', reason: 'dry-run' })
        return { before, steps: completed, skipped: pending, dryRun: true }
      }
      await db.exec('commit')
      inTransaction = false
      if (group.length) req.onEvent?.({ type: 'commit', revisions: group.map((s) => s.revision) })
      if (pending.length > 0 && pending[0] && group.length === 0) {
        const step = pending[0]
        const unlock = await lockSession(db, name, lockOptions)
        try {
          const still = new Set((await readApplied(db, name)).map((a) => a.revision))
          if ((step.direction === 'up') !== still.has(step.revision)) await runStep(req, step, false, false, completed)
        } finally {
          await unlock()
        }
        pending = pending.slice(1)
      }
      if (pending.length === 0) return { before, steps: completed, skipped: [], dryRun: false }
    }
  } catch (error) {
    if (inTransaction) {
      await db.exec('rollback').catch(() => {})
      req.onEvent?.({ type: 'rollback', reason: 'error' })
    }
    throw error
  }
}

function checkRunnable(req: RunRequest, steps: RunStep[]): void {
  for (const step of steps) {
    const script = req.scripts.get(step.revision)
    if (!script) throw new SqlmigError('INTERNAL', `No file for planned revision "${step.revision}"`)
    if (step.direction === 'down' && script.down.irreversible && !req.recordOnly) {
      throw new SqlmigError('IRREVERSIBLE', `Cannot downgrade revision "${step.revision}": it is irreversible (${script.down.irreversible})`, {
        location: { file: script.down.path, line: 1 },
        hint: `Downgrade to "${step.revision}" or later instead; nothing was run`,
      })
    }
    if (req.dryRun && !req.recordOnly && !fileOf(script, step.direction).transaction && steps.indexOf(step) === 0) {
      throw new UsageError(`Cannot dry-run revision "${step.revision}": it runs outside a transaction (transaction: false), so it cannot be rolled back`, {
        hint: 'Run it for real, or rehearse on a copy of the database',
      })
    }
  }
}

/** Runs one step; returns whether it set timeouts (so the next one resets them). */
async function runStep(req: RunRequest, step: RunStep, inTransaction: boolean, previousHadSettings: boolean, out: CompletedStep[]): Promise<boolean> {
  const { db, versionTable: name } = req
  const script = req.scripts.get(step.revision)!
  const file = fileOf(script, step.direction)
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
      rolledBackNote: inTransaction
        ? req.mode === 'all' ? 'All changes of this run were rolled back; the version table is unchanged' : `Revision "${step.revision}" was rolled back; earlier revisions stay applied`
        : `Revision "${step.revision}" ran outside a transaction: it is NOT recorded as applied; undo or finish the statements that ran by hand`,
    })
    if (!inTransaction && hasSettings) await applySettings(db, undefined, undefined, false)
  }
  const ms = performance.now() - started
  if (step.direction === 'up') {
    await insertVersionQuery(db.kysely, name, { revision: script.id, parents: script.parents, message: script.message, checksum: script.checksum, executionMs: ms }).execute()
  } else {
    await deleteVersionQuery(db.kysely, name, script.id).execute()
  }
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
