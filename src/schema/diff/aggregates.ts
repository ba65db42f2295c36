/**
 * Aggregates. PostgreSQL has no CREATE OR REPLACE for them before 12 and no ALTER of their
 * definition, so a changed aggregate is dropped (with the views over it, see context.ts) and
 * created again. They are created after functions and tables (their support functions and
 * state types exist by then) and before views; dropped after views and before functions.
 */
import { literal, type AggregateInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const MODIFY: Record<string, string> = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' }
const PARALLEL: Record<string, string> = { s: 'SAFE', r: 'RESTRICTED', u: 'UNSAFE' }

/** The CREATE AGGREGATE statement for a model entry. */
export function createAggregate(g: AggregateInfo): string {
  const o = [`SFUNC = ${g.sfunc}`, `STYPE = ${g.stype}`]
  if (g.sspace !== 0) o.push(`SSPACE = ${g.sspace}`)
  if (g.finalfunc) {
    o.push(`FINALFUNC = ${g.finalfunc}`)
    if (g.finalExtra) o.push('FINALFUNC_EXTRA')
    o.push(`FINALFUNC_MODIFY = ${MODIFY[g.finalModify] ?? 'READ_ONLY'}`)
  }
  if (g.combinefunc) o.push(`COMBINEFUNC = ${g.combinefunc}`)
  if (g.serialfunc) o.push(`SERIALFUNC = ${g.serialfunc}`)
  if (g.deserialfunc) o.push(`DESERIALFUNC = ${g.deserialfunc}`)
  if (g.initcond !== null) o.push(`INITCOND = ${literal(g.initcond)}`)
  if (g.msfunc) {
    o.push(`MSFUNC = ${g.msfunc}`, `MINVFUNC = ${g.minvfunc}`, `MSTYPE = ${g.mstype}`)
    if (g.msspace !== 0) o.push(`MSSPACE = ${g.msspace}`)
    if (g.mfinalfunc) {
      o.push(`MFINALFUNC = ${g.mfinalfunc}`)
      if (g.mfinalExtra) o.push('MFINALFUNC_EXTRA')
      o.push(`MFINALFUNC_MODIFY = ${MODIFY[g.mfinalModify] ?? 'READ_ONLY'}`)
    }
    if (g.minitcond !== null) o.push(`MINITCOND = ${literal(g.minitcond)}`)
  }
  if (g.sortop) o.push(`SORTOP = ${g.sortop}`)
  if (g.kind === 'h') o.push('HYPOTHETICAL')
  if (g.parallel !== 'u') o.push(`PARALLEL = ${PARALLEL[g.parallel]}`)
  return `CREATE AGGREGATE ${g.schema}.${g.name}(${g.args || '*'}) (${o.join(', ')})`
}

function dropAggregate(g: AggregateInfo): string {
  return `DROP AGGREGATE ${g.schema}.${g.name}(${g.identityArgs || '*'})`
}

function create(key: string, g: AggregateInfo, detected: string): Change {
  const sql = [createAggregate(g)]
  if (g.comment !== null) sql.push(commentOn(`AGGREGATE ${g.schema}.${g.name}(${g.identityArgs || '*'})`, g.comment))
  return { kind: 'aggregate', action: 'add', name: key, detected, sql, phase: PHASE.createLateFunction, order: 1 }
}

/** True when two aggregates differ in more than their comment. */
export function aggregateChanged(a: AggregateInfo, b: AggregateInfo): boolean {
  return JSON.stringify({ ...a, comment: null }) !== JSON.stringify({ ...b, comment: null })
}

export function diffAggregates(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.aggregates ?? {}, ctx.to.aggregates ?? {})
  for (const [key, g] of added) out.push(create(key, g, detectedLine('add', 'aggregate', key)))
  for (const [key, g] of removed) {
    out.push({ kind: 'aggregate', action: 'remove', name: key, detected: detectedLine('remove', 'aggregate', key), sql: [dropAggregate(g)], phase: PHASE.dropTrigger })
  }
  for (const [key, a, b] of both) {
    if (aggregateChanged(a, b)) {
      out.push({ kind: 'aggregate', action: 'remove', name: key, detected: detectedLine('change', 'aggregate', key, 'definition'), sql: [dropAggregate(a)], phase: PHASE.dropTrigger })
      out.push(create(key, b, ''))
    } else if (a.comment !== b.comment) {
      out.push({ kind: 'aggregate', action: 'change', name: key, detected: detectedLine('change', 'aggregate', key, 'comment'), sql: [commentOn(`AGGREGATE ${b.schema}.${b.name}(${b.identityArgs || '*'})`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
