/**
 * The version-table writes of a transaction group: buffered while its migrations run (run-plan.ts),
 * then sent as one INSERT (or DELETE) per run of the same kind, in order, with the COMMIT right
 * behind them.
 */
import type { Kysely } from 'kysely'
import { simpleQuery } from '../db/session-dialect.ts'
import type { VersionRow, VersionTableName } from './version-table.ts'
import { deleteRows, insertRows } from './version-rows.ts'

/** Version-table writes of a transaction group, in order, written together just before COMMIT. */
export type VersionWrite = { insert: VersionRow } | { delete: string }

/** The statements that write the buffered rows: one INSERT (or DELETE) per run of the same kind, in order. */
function versionWriteQueries(k: Kysely<any>, name: VersionTableName, writes: VersionWrite[]) {
  const out = []
  for (let i = 0; i < writes.length;) {
    let j = i
    while (j < writes.length && ('insert' in writes[j]!) === ('insert' in writes[i]!)) j++
    const run = writes.slice(i, j)
    if ('insert' in run[0]!) out.push(...insertRows(k, name, run.map((w) => (w as { insert: VersionRow }).insert)))
    else out.push(...deleteRows(k, name, run.map((w) => (w as { delete: string }).delete)))
    i = j
  }
  writes.length = 0
  return out
}

/** The SQL of the buffered rows' writes (their values inlined, no parameters); empties `writes`. */
export function versionWriteSql(k: Kysely<any>, name: VersionTableName, writes: VersionWrite[]): string[] {
  return versionWriteQueries(k, name, writes).map((q) => {
    if (q.parameters.length) throw new Error('sqlmig: a version-table write kept parameters')
    return q.sql
  })
}

/** Writes the buffered rows now. */
export async function flushVersionWrites(k: Kysely<any>, name: VersionTableName, writes: VersionWrite[]): Promise<void> {
  for (const q of versionWriteQueries(k, name, writes)) await k.executeQuery(q)
}

/**
 * Writes the buffered rows and commits, all sent together (one round trip). If a write fails,
 * the server turns the COMMIT that follows it into a ROLLBACK, and the write's error is thrown.
 */
export async function flushAndCommit(k: Kysely<any>, name: VersionTableName, writes: VersionWrite[]): Promise<void> {
  const queries = versionWriteQueries(k, name, writes)
  await Promise.all([...queries.map((q) => k.executeQuery(q)), k.executeQuery(simpleQuery('commit'))])
}
