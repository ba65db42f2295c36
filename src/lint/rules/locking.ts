/** Rules about locks: statements that block the application's reads or writes on an existing table. */
import { blockedBy } from '../locks.ts'
import type { Effect, LintStatement, Rule, RuleHit } from '../lint-model.ts'
import { hasOption, tableKey } from '../nodes.ts'

const NO_TX = "in a migration of its own with the header line \"-- transaction: false\" (CONCURRENTLY cannot run in a transaction)"

const ae = (s: LintStatement): Effect[] => s.effects.filter((e) => e.lock === 'ACCESS EXCLUSIVE')

/** The statement's text with `CONCURRENTLY` after its leading words. */
export function withConcurrently(text: string, lead: RegExp): string {
  return text.replace(lead, (m) => `${m} CONCURRENTLY`)
}

export const indexNotConcurrent: Rule = {
  id: 'index-not-concurrent',
  severity: 'error',
  sized: true,
  summary: 'CREATE INDEX without CONCURRENTLY on an existing table blocks its writes for the whole build',
  check: (s) =>
    s.kind === 'IndexStmt' && !s.node.concurrent
      ? s.effects.map((e) => ({
        effect: e,
        message: `CREATE INDEX on "${e.table}" takes a SHARE lock and reads the whole table, which blocks writes until the index is built`,
        advice: `${withConcurrently(s.text, /^create\s+(unique\s+)?index/i)};  -- ${NO_TX}`,
      }))
      : [],
}

export const dropIndexNotConcurrent: Rule = {
  id: 'drop-index-not-concurrent',
  severity: 'error',
  sized: true,
  summary: 'DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table',
  check: (s) => {
    if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_INDEX' || s.node.concurrent) return []
    return s.effects.map((e) => ({
      effect: e,
      message: `DROP INDEX takes ACCESS EXCLUSIVE on ${e.table.startsWith('index ') ? `the table of ${e.table}` : `"${e.table}"`}, which blocks ${blockedBy('ACCESS EXCLUSIVE')}, and it waits behind any running query`,
      advice: `${withConcurrently(s.text, /^drop\s+index/i)};  -- ${NO_TX}`,
    }))
  },
}

export const reindexNotConcurrent: Rule = {
  id: 'reindex-not-concurrent',
  severity: 'error',
  sized: true,
  summary: 'REINDEX without CONCURRENTLY blocks writes (and reads using the index) while it rebuilds',
  check: (s) =>
    s.kind === 'ReindexStmt' && !hasOption(s.node.params, 'concurrently') && ['REINDEX_OBJECT_INDEX', 'REINDEX_OBJECT_TABLE'].includes(String(s.node.kind))
      ? s.effects.map((e) => ({
        effect: e,
        message: `REINDEX takes a SHARE lock on "${e.table}" (ACCESS EXCLUSIVE on the index): writes wait for the rebuild`,
        advice: `${withConcurrently(s.text, /^reindex\s+(index|table)/i)};  -- PostgreSQL 12+, ${NO_TX}`,
      }))
      : [],
}

function simple(id: string, kind: string, test: (s: LintStatement) => boolean, summary: string, message: (e: Effect) => string, advice: string, severity: 'error' | 'warning' = 'error'): Rule {
  return {
    id,
    severity,
    sized: true,
    summary,
    check: (s) => (s.kind === kind && test(s) ? s.effects.map((e) => ({ effect: e, message: message(e), advice })) : []),
  }
}

export const vacuumFull = simple(
  'vacuum-full',
  'VacuumStmt',
  (s) => s.node.is_vacuumcmd === true && hasOption(s.node.options, 'full'),
  'VACUUM FULL rewrites the table under ACCESS EXCLUSIVE',
  (e) => `VACUUM FULL rewrites "${e.table}" into a new file under ACCESS EXCLUSIVE, which blocks ${blockedBy('ACCESS EXCLUSIVE')} until the copy is done`,
  'VACUUM (ANALYZE) <table>;  -- plain VACUUM takes SHARE UPDATE EXCLUSIVE; to shrink a table online use pg_repack or pg_squeeze',
)

export const cluster = simple(
  'cluster',
  'ClusterStmt',
  () => true,
  'CLUSTER rewrites the table under ACCESS EXCLUSIVE',
  (e) => `CLUSTER rewrites "${e.table}" in index order under ACCESS EXCLUSIVE, which blocks ${blockedBy('ACCESS EXCLUSIVE')} until the copy is done`,
  '-- reorder online with pg_repack --order-by, or leave the physical order to the next maintenance window',
)

export const lockTable: Rule = {
  id: 'lock-table',
  severity: 'warning',
  sized: true,
  summary: 'LOCK TABLE in SHARE mode or stronger blocks the application until the transaction ends',
  check: (s) =>
    s.kind === 'LockStmt' && Number(s.node.mode ?? 8) >= 5
      ? s.effects.map((e) => ({
        effect: e,
        message: `LOCK TABLE "${e.table}" IN ${e.lock} MODE holds the lock to the end of the migration's transaction, which blocks ${blockedBy(e.lock)}`,
        advice: "SET LOCAL lock_timeout = '5s';  -- and lock only what the statements that follow need, as late as possible",
      }))
      : [],
}

export const truncate = simple(
  'truncate',
  'TruncateStmt',
  () => true,
  'TRUNCATE deletes every row under ACCESS EXCLUSIVE',
  (e) => `TRUNCATE empties "${e.table}" under ACCESS EXCLUSIVE: every row is gone and the lock blocks ${blockedBy('ACCESS EXCLUSIVE')}`,
  "DELETE FROM <table> WHERE ...;  -- in batches, when the rows must go while the application runs",
)

export const lockTimeout: Rule = {
  id: 'lock-timeout',
  severity: 'error',
  sized: true,
  summary: 'A statement taking ACCESS EXCLUSIVE without lock_timeout queues every query behind it while it waits (reported once per transaction)',
  check: (s, ctx) => {
    // Once per transaction: one SET LOCAL at its top covers every statement after it.
    if (ctx.lockTimeout || ctx.exclusiveTables.size > 0) return []
    const first = ae(s)[0]
    return first
      ? [{
        effect: first,
        message: `${first.what} waits for ACCESS EXCLUSIVE on "${first.table}" with no lock_timeout: while it waits behind a long query, every query on the table queues behind it`,
        advice: "SET LOCAL lock_timeout = '5s';  -- before the statement, or the header line \"-- lock_timeout: 5s\", or \"lockTimeout\" in sqlmig.json; retry on timeout",
      }]
      : []
  },
}

export const severalExclusiveLocks: Rule = {
  id: 'several-exclusive-locks',
  severity: 'warning',
  sized: true,
  summary: 'ACCESS EXCLUSIVE locks on several tables in one transaction risk deadlocks with application traffic',
  check: (s, ctx) => {
    const out: RuleHit[] = []
    for (const e of ae(s)) {
      const others = [...ctx.exclusiveTables].filter((t) => t !== tableKey(e.table))
      if (others.length) {
        out.push({
          effect: e,
          message: `"${e.table}" is the ${others.length + 1}${others.length === 1 ? 'nd' : others.length === 2 ? 'rd' : 'th'} table locked ACCESS EXCLUSIVE in this transaction (after ${others.map((t) => `"${t}"`).join(', ')}): a query touching them in the other order deadlocks with it`,
          advice: '-- change one table per migration (per transaction), or lock all of them first in a fixed order: LOCK TABLE a, b IN ACCESS EXCLUSIVE MODE;',
        })
        break
      }
    }
    return out
  },
}

