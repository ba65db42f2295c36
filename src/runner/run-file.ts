/**
 * Runs one migration file: the one way every command executes a file (the runner, verify,
 * rehearse). Where the transaction comes from is the caller's choice, made once:
 *  - `own`: the file runs in a transaction of its own (BEGIN ... COMMIT, ROLLBACK on error);
 *  - `caller`: inside a transaction block the caller holds open (the runner's transaction unit);
 *  - `none`: outside any transaction, statement by statement (`transaction: false`).
 * The settings statements (schedule.ts) run before the file, and after it outside a transaction.
 * An observer sees each statement (rehearse measures locks there) and the moment before COMMIT
 * (where a version row is written).
 */
import type { Database } from '../db/database.ts'
import type { ScriptFile } from '../files/script.ts'
import type { SplitStatement } from '../sql/split.ts'
import { MigrationFailedError } from '../errors.ts'
import { concurrentIndexName } from '../sql/outside-transaction.ts'
import { executeFile, type ExecuteOptions, MARK_TRANSACTION, sendStatements, type SentFile, statementsOf, type TailReply } from './execute-file.ts'
import { settingStatements, type Settings } from './schedule.ts'

export type StatementDone = (ok: boolean) => Promise<void>

export type FileTransaction = 'own' | 'caller' | 'none'

export interface FileObserver {
  /** Around each statement: the function it returns runs when the statement is done (`ok`) or failed. */
  statement?: (statement: SplitStatement, index: number) => StatementDone | void | Promise<StatementDone | void>
  /** `own` only: after the last statement, before COMMIT, in the file's transaction. */
  beforeCommit?: () => Promise<void>
}

export interface RunFileOptions extends Omit<ExecuteOptions, 'inTransactionBlock' | 'listProgress'> {
  /** Default: `own` when the file's header says it runs in a transaction, else `none`. */
  transaction?: FileTransaction | undefined
  /** The file's statements, when the caller already has them (the schedule's). */
  statements?: SplitStatement[] | undefined
  /** SET statements before / after the file; default: from `settings` (the project's, the header's over them). */
  before?: string[] | undefined
  after?: string[] | undefined
  settings?: Settings | undefined
  observer?: FileObserver | undefined
}

/** Runs every statement of `file` as `options.transaction` says; throws MigrationFailedError on the first failure. */
export async function runFile(db: Database, file: ScriptFile, options: RunFileOptions): Promise<TailReply | undefined> {
  const transaction = options.transaction ?? (file.transaction ? 'own' : 'none')
  const statements = options.statements ?? statementsOf(file)
  const inBlock = transaction !== 'none'
  const before = options.before ?? settingStatements(file, options.settings, inBlock)
  const after = options.after ?? (inBlock ? [] : settingStatements(file, options.settings, false, true))
  const execute = { ...options, listProgress: !inBlock, inTransactionBlock: inBlock }
  let reply: TailReply | undefined
  try {
    if (transaction === 'own') {
      await db.exec('begin')
      await db.exec(MARK_TRANSACTION)
    }
    const observe = options.observer?.statement
    // Inside the block, the SET LOCALs go in the file's message (executeFile); else one by one.
    if (observe !== undefined || !inBlock) for (const s of before) await db.exec(s)
    if (observe === undefined) reply = await executeFile(db, file, statements, { ...execute, before: inBlock ? before : undefined, tail: transaction === 'caller' ? options.tail : undefined })
    else {
      for (let i = 0; i < statements.length; i++) {
        const done = await observe(statements[i]!, i)
        let ok = false
        try {
          await executeFile(db, file, [statements[i]!], { ...execute, inTransactionBlock: false, tail: undefined })
          ok = true
        } finally {
          if (done) await done(ok)
        }
      }
    }
    for (const s of after) await db.exec(s)
    if (transaction === 'own') {
      await options.observer?.beforeCommit?.()
      await db.exec('commit')
    }
    return reply
  } catch (error) {
    if (transaction === 'own') await db.exec('rollback').catch(() => {})
    if (transaction === 'none') throw await withInvalidIndex(db, error)
    throw error
  }
}

/**
 * Sends `file` (inside the caller's transaction, as runFile's `caller`) as one message now,
 * without waiting for the reply, for a runner that reads the reply to the message before it
 * first (read-ahead, run-plan.ts): `settle` then reads this one's. Undefined when the file cannot
 * go as one message (see sendStatements); runFile then runs it. `ahead`: sent before the reply
 * to the message before it was read.
 */
export function sendFile(db: Database, file: ScriptFile, options: Omit<RunFileOptions, 'transaction' | 'observer'> & { ahead: boolean }): SentFile | undefined {
  const statements = options.statements ?? statementsOf(file)
  const before = options.before ?? settingStatements(file, options.settings, true)
  return sendStatements(db, file, statements, { ...options, before, listProgress: false, inTransactionBlock: true })
}

/**
 * A CREATE INDEX CONCURRENTLY that fails (a duplicate for a unique index, a deadlock, a
 * cancel) leaves an INVALID index that every write still maintains: name it, and the statement
 * that removes it.
 */
async function withInvalidIndex(db: Database, error: unknown): Promise<unknown> {
  if (!(error instanceof MigrationFailedError) || error.statement === undefined) return error
  const name = concurrentIndexName(error.statement)
  if (name === undefined) return error
  try {
    const left = await db.query<{ qualified: string }>(
      `select pg_catalog.format('%I.%I', n.nspname, c.relname) as qualified
         from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where not i.indisvalid and ($1 = '' or c.relname = $1) order by 1`,
      [name],
    )
    if (left.length === 0) return error
    const lines = left.map((r) => `The failed CREATE INDEX CONCURRENTLY left the INVALID index ${r.qualified}; remove it with: DROP INDEX CONCURRENTLY ${r.qualified};`)
    return error.withDetail([error.detail, ...lines].filter(Boolean).join('\n'))
  } catch {
    return error
  }
}
