/**
 * Operators (CREATE OPERATOR). Restriction and join estimators are altered in place (ALTER
 * OPERATOR ... SET); anything else (function, commutator, negator, HASHES, MERGES: alterable only
 * from PostgreSQL 17) means dropping and creating again. Created right after their function,
 * before tables (checks and indexes use operators); dropped before functions.
 */
import type { OperatorInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { operatorOutlivesTable, type DiffContext } from './context.ts'
import { afterFunction, usesMoving } from './casts.ts'
import { commentOn, pairs } from './sql-text.ts'

/** `schema.op (left, right)` as DROP/ALTER/COMMENT ON OPERATOR take it. */
function signature(o: OperatorInfo): string {
  return `${o.schema}.${o.name} (${o.left ?? 'NONE'}, ${o.right})`
}

function createOperator(o: OperatorInfo): string[] {
  const parts = [`FUNCTION = ${o.function}`]
  if (o.left) parts.push(`LEFTARG = ${o.left}`)
  parts.push(`RIGHTARG = ${o.right}`)
  if (o.commutator) parts.push(`COMMUTATOR = ${o.commutator}`)
  if (o.negator) parts.push(`NEGATOR = ${o.negator}`)
  if (o.restrict) parts.push(`RESTRICT = ${o.restrict}`)
  if (o.join) parts.push(`JOIN = ${o.join}`)
  if (o.hashes) parts.push('HASHES')
  if (o.merges) parts.push('MERGES')
  const sql = [`CREATE OPERATOR ${o.schema}.${o.name} (${parts.join(', ')})`]
  if (o.comment !== null) sql.push(commentOn(`OPERATOR ${signature(o)}`, o.comment))
  return sql
}

export function diffOperators(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.operators ?? {}, ctx.to.operators ?? {})
  const create = (key: string, o: OperatorInfo, detected: string): Change =>
    ({ kind: 'operator', action: 'add', name: key, detected, sql: createOperator(o), phase: afterFunction(ctx, o.function), order: 6 })
  const drop = (key: string, o: OperatorInfo, detected: string, late = false): Change =>
    ({ kind: 'operator', action: 'remove', name: key, detected, sql: [`DROP OPERATOR ${signature(o)}`], ...(late ? { phase: PHASE.dropFunction, order: -1 } : { phase: PHASE.dropDefault, order: 6 }) })
  for (const [key, o] of added) out.push(create(key, o, detectedLine('add', 'operator', key)))
  for (const [key, o] of removed) out.push(drop(key, o, detectedLine('remove', 'operator', key), operatorOutlivesTable(ctx, o)))
  for (const [key, a, b] of both) {
    const fixed = (o: OperatorInfo) => JSON.stringify({ ...o, restrict: null, join: null, comment: null })
    if (fixed(a) !== fixed(b) || usesMoving(ctx, a.function, [a.left, a.right])) {
      out.push(drop(key, a, fixed(a) !== fixed(b) ? detectedLine('change', 'operator', key) : ''), create(key, b, ''))
      continue
    }
    if (a.restrict !== b.restrict || a.join !== b.join) {
      const set = `RESTRICT = ${b.restrict ?? 'NONE'}, JOIN = ${b.join ?? 'NONE'}`
      out.push({ kind: 'operator', action: 'change', name: key, detected: detectedLine('change', 'operator', key, 'estimators'), sql: [`ALTER OPERATOR ${signature(b)} SET (${set})`], phase: afterFunction(ctx, b.function), order: 6 })
    }
    if (a.comment !== b.comment) {
      out.push({ kind: 'operator', action: 'change', name: key, detected: detectedLine('change', 'operator', key, 'comment'), sql: [commentOn(`OPERATOR ${signature(b)}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
