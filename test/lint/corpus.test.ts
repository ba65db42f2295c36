// The proof: every corpus entry runs on the server in a schema of its own (one scratch database),
// inside BEGIN ... ROLLBACK. Measured: the strongest lock this session holds on each table
// (pg_locks for its own pid, before the rollback; locks weaker than ROW EXCLUSIVE, plain reads,
// are not compared), whether each table got a new relfilenode (rewrite, or TRUNCATE's new empty
// file), and whether the server refuses the statement in a transaction (25001). Claimed: what
// src/lint/effects.ts says, with the schema before the entry known. They must be equal for every
// entry; the test prints precision and recall for "rewrite" and "ACCESS EXCLUSIVE".
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { effectsOf } from '../../src/lint/effects.ts'
import type { LintStatement } from '../../src/lint/lint-model.ts'
import { LOCK_MODES, type LockMode, lockModeOf, strongerLock } from '../../src/lint/locks.ts'
import { tableKey } from '../../src/lint/nodes.ts'
import { loadParser } from '../../src/lint/parser.ts'
import { outsideTransactionOnly } from '../../src/lint/rules/transactions.ts'
import { newContext, record } from '../../src/lint/state.ts'
import { adminExec, serverUrlFor, targetKinds, uniqueName } from '../helpers/targets.ts'
import { confusion, precision, recall, tally } from './confusion.ts'
import { BEFORE, CORPUS, type CorpusEntry, ROWS } from './corpus.ts'

interface Behaviour {
  /** Table → strongest lock (ROW EXCLUSIVE or stronger). */
  locks: Record<string, LockMode>
  /** Tables with a new relfilenode. */
  rewritten: string[]
  /** The server refused it inside a transaction block. */
  refused: boolean
}

const COMPARED = LOCK_MODES.indexOf('ROW EXCLUSIVE')

async function claim(entry: CorpusEntry): Promise<Behaviour> {
  const parse = await loadParser()
  const ctx = newContext(false)
  for (const s of parse(BEFORE)) record(s, ctx, 0, false)
  const locks: Record<string, LockMode> = {}
  const rewritten = new Set<string>()
  let refused = false
  for (const s of parse(entry.sql)) {
    if (outsideTransactionOnly(s as LintStatement)) refused = true
    for (const e of effectsOf(s, ctx)) {
      if (e.table.startsWith('index ') || ctx.createdTables.has(tableKey(e.table))) continue
      const t = tableKey(e.table)
      locks[t] = strongerLock(locks[t], e.lock)!
      if (e.rewrite || e.empties) rewritten.add(t)
    }
    record(s, ctx, 1)
  }
  return refused ? { locks: {}, rewritten: [], refused } : { locks, rewritten: [...rewritten].sort(), refused }
}

async function measure(sql: postgres.ReservedSql, entry: CorpusEntry, schema: string): Promise<Behaviour> {
  await sql.unsafe(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${BEFORE}; ${entry.rows ? ROWS : ''}`)
  const tables = await sql.unsafe<{ oid: number; relname: string; relfilenode: number }[]>(
    `SELECT oid::int, relname, relfilenode::int FROM pg_class WHERE relnamespace = '${schema}'::regnamespace AND relkind IN ('r', 'p', 'm')`,
  )
  const byOid = new Map(tables.map((t) => [t.oid, t]))
  await sql.unsafe('BEGIN')
  try {
    await sql.unsafe(entry.sql)
  } catch (error) {
    await sql.unsafe('ROLLBACK')
    if ((error as { code?: string }).code === '25001') return { locks: {}, rewritten: [], refused: true }
    throw new Error(`${entry.name}: ${entry.sql}: ${(error as Error).message}`)
  }
  const held = await sql.unsafe<{ relation: number; mode: string }[]>(`SELECT relation::int, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'`)
  const now = await sql.unsafe<{ oid: number; relfilenode: number }[]>(`SELECT oid::int, relfilenode::int FROM pg_class WHERE oid = ANY('{${tables.map((t) => t.oid).join(',')}}'::oid[])`)
  await sql.unsafe('ROLLBACK')
  const locks: Record<string, LockMode> = {}
  for (const l of held) {
    const t = byOid.get(l.relation)
    const mode = lockModeOf(l.mode)
    if (t && mode && LOCK_MODES.indexOf(mode) >= COMPARED) locks[t.relname] = strongerLock(locks[t.relname], mode)!
  }
  const rewritten = now.filter((n) => byOid.get(n.oid)!.relfilenode !== n.relfilenode).map((n) => byOid.get(n.oid)!.relname).sort()
  return { locks, rewritten, refused: false }
}

if ((await targetKinds()).includes('postgres')) {
  test(`lint's claims equal PostgreSQL's measured locks, rewrites and refusals on all ${CORPUS.length} corpus entries`, async () => {
    const name = uniqueName('sqlmig_lint_corpus')
    await adminExec(`CREATE DATABASE "${name}"`)
    const pool = postgres(serverUrlFor(name), { max: 1, onnotice: () => {} })
    const sql = await pool.reserve()
    // Each entry commits its schema and drops it: no need to wait for the disk each time.
    await sql.unsafe('SET synchronous_commit = off')
    const rewrite = confusion()
    const exclusive = confusion()
    const wrong: string[] = []
    try {
      for (const [i, entry] of CORPUS.entries()) {
        const measured = await measure(sql, entry, `c${i}`)
        await sql.unsafe(`RESET search_path; DROP SCHEMA c${i} CASCADE`)
        const claimed = await claim(entry)
        const tables = new Set([...Object.keys(measured.locks), ...Object.keys(claimed.locks), ...measured.rewritten, ...claimed.rewritten])
        for (const t of tables) {
          tally(rewrite, claimed.rewritten.includes(t), measured.rewritten.includes(t))
          tally(exclusive, claimed.locks[t] === 'ACCESS EXCLUSIVE', measured.locks[t] === 'ACCESS EXCLUSIVE')
        }
        if (JSON.stringify(sortLocks(measured)) !== JSON.stringify(sortLocks(claimed))) {
          wrong.push(`${entry.name} ${entry.sql}\n    measured ${JSON.stringify(sortLocks(measured))}\n    claimed  ${JSON.stringify(sortLocks(claimed))}`)
        }
      }
    } finally {
      sql.release()
      await pool.end({ timeout: 1 })
      await adminExec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    }
    console.log(`  rewrite: precision ${precision(rewrite)}, recall ${recall(rewrite)} (${JSON.stringify(rewrite)})`)
    console.log(`  ACCESS EXCLUSIVE: precision ${precision(exclusive)}, recall ${recall(exclusive)} (${JSON.stringify(exclusive)})`)
    assert.equal(wrong, [], `${wrong.length} entries differ:\n  ${wrong.join('\n  ')}`)
  })
}

function sortLocks(b: Behaviour): Behaviour {
  return { ...b, locks: Object.fromEntries(Object.entries(b.locks).sort()) }
}

test.run()
