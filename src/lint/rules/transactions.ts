/** Rules about what shares a transaction: enum values, backfills next to DDL, statements that cannot run in one. */
import type { LintStatement, Rule } from '../lint-model.ts'
import { as, hasOption, list, stringConstants } from '../nodes.ts'

export const enumValueSameTransaction: Rule = {
  id: 'enum-value-same-transaction',
  severity: 'error',
  sized: false,
  summary: 'A value added by ALTER TYPE ... ADD VALUE cannot be used before its transaction commits',
  check: (s, ctx) => {
    if (!s.inTransaction || s.kind === 'AlterEnumStmt' || !ctx.enumValues.some((v) => v.transaction === s.transaction)) return []
    const used = new Set(stringConstants(s.node))
    const hit = ctx.enumValues.find((v) => v.transaction === s.transaction && used.has(v.value))
    return hit
      ? [{
        message: `'${hit.value}' was added to enum "${hit.type}" in this transaction: PostgreSQL refuses to use it before the commit (unsafe use of new value, 55P04)`,
        advice: `-- keep ALTER TYPE ${hit.type} ADD VALUE '${hit.value}' in a migration of its own (or one with "-- transaction: false"), and use the value in a later one`,
      }]
      : []
  },
}

/** A data backfill: UPDATE without WHERE, or INSERT ... SELECT reading a table. */
export function backfillOf(s: LintStatement): string | undefined {
  if (s.kind === 'UpdateStmt' && s.node.whereClause === undefined) return 'UPDATE without WHERE'
  if (s.kind === 'InsertStmt') {
    const sel = as(s.node.selectStmt, 'SelectStmt')
    if (sel && list(sel.fromClause).length > 0) return 'INSERT ... SELECT'
  }
  return undefined
}

const DML = new Set(['UpdateStmt', 'InsertStmt', 'DeleteStmt', 'SelectStmt', 'LockStmt', 'VariableSetStmt'])

/** DDL on an existing table: what holds a schema lock for the rest of the transaction. */
export function isDdl(s: LintStatement): boolean {
  return !DML.has(s.kind) && s.effects.some((e) => e.lock !== 'ROW EXCLUSIVE' && e.lock !== 'ACCESS SHARE' && e.lock !== 'ROW SHARE')
}

export const backfillWithDdl: Rule = {
  id: 'backfill-with-ddl',
  severity: 'warning',
  sized: true,
  summary: 'A data backfill (UPDATE without WHERE, INSERT ... SELECT) in the same transaction as DDL holds the DDL locks for the whole backfill',
  check: (s, ctx) => {
    if (!s.inTransaction) return []
    const backfill = backfillOf(s)
    if (backfill && ctx.ddlInTransaction && s.effects[0]) {
      return [{
        effect: { ...s.effects[0], scan: true },
        message: `${backfill} on "${s.effects[0].table}" runs in the transaction of an earlier ${ctx.ddlInTransaction}: its locks stay held while every row is written`,
        advice: '-- move the backfill to a migration of its own, in batches: UPDATE ... WHERE id BETWEEN ... (or a job outside migrations)',
      }]
    }
    if (!backfill && ctx.backfillInTransaction && isDdl(s) && s.effects[0]) {
      return [{
        effect: s.effects[0],
        message: `${s.effects[0].what} runs in the transaction of an earlier ${ctx.backfillInTransaction}: the rows it wrote stay locked until the DDL is done`,
        advice: '-- run the DDL and the backfill in separate migrations',
      }]
    }
    return []
  },
}

/** Statements PostgreSQL refuses inside a transaction block (25001), read from the parse tree. */
export function outsideTransactionOnly(s: LintStatement): string | undefined {
  const n = s.node
  switch (s.kind) {
    case 'IndexStmt':
      return n.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined
    case 'DropStmt':
      return n.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined
    case 'ReindexStmt':
      return hasOption(n.params, 'concurrently') ? 'REINDEX CONCURRENTLY' : n.kind === 'REINDEX_OBJECT_DATABASE' || n.kind === 'REINDEX_OBJECT_SYSTEM' ? 'REINDEX DATABASE/SYSTEM' : undefined
    case 'VacuumStmt':
      return n.is_vacuumcmd ? 'VACUUM' : undefined
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM'
    case 'CreatedbStmt':
      return 'CREATE DATABASE'
    case 'DropdbStmt':
      return 'DROP DATABASE'
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE'
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE'
    case 'CreateSubscriptionStmt':
      return 'CREATE SUBSCRIPTION'
    case 'DropSubscriptionStmt':
      return 'DROP SUBSCRIPTION'
    case 'AlterTableStmt':
      return list(n.cmds).some((c) => as(c, 'AlterTableCmd')?.subtype === 'AT_DetachPartition' && as(as(c, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent) ? 'DETACH PARTITION CONCURRENTLY' : undefined
    default:
      return undefined
  }
}

export const notInTransaction: Rule = {
  id: 'not-in-transaction',
  severity: 'error',
  sized: false,
  summary: 'CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CREATE DATABASE... cannot run inside the transaction of a transactional migration',
  check: (s) => {
    if (!s.inTransaction) return []
    const what = outsideTransactionOnly(s)
    return what
      ? [{ message: `${what} cannot run inside a transaction block: the migration fails (25001)`, advice: '-- put it in a migration of its own whose header says "-- transaction: false"' }]
      : []
  },
}
