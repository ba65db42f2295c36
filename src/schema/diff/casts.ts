/**
 * Casts (CREATE CAST). A cast cannot be altered: a changed one is dropped and created again, and
 * so is one whose function is re-created or whose type is rebuilt (either would otherwise be
 * blocked by it). Created right after its function (before the tables whose defaults may use
 * it), dropped before functions and types are.
 */
import type { CastInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { mentions, type DiffContext } from './context.ts'
import { createPhase } from './functions.ts'
import { commentOn, pairs } from './sql-text.ts'

const CONTEXT: Record<string, string> = { a: ' AS ASSIGNMENT', i: ' AS IMPLICIT' }

function createCast(key: string, c: CastInfo): string[] {
  const how = c.method === 'i' ? 'WITH INOUT' : c.method === 'b' ? 'WITHOUT FUNCTION' : `WITH FUNCTION ${c.function}`
  const sql = [`CREATE CAST ${key} ${how}${CONTEXT[c.context] ?? ''}`]
  if (c.comment !== null) sql.push(commentOn(`CAST ${key}`, c.comment))
  return sql
}

/** The phase a cast (or an operator) is created in: its function's, else with the functions. */
export function afterFunction(ctx: DiffContext, fn: string | null): number {
  const f = Object.entries(ctx.to.functions).find(([k, f]) => k === fn || `${f.schema}.${f.name}` === fn)?.[1]
  return f ? createPhase(ctx, f) : PHASE.createFunction
}

/** True when a function or type the object uses is dropped and created again around it. */
export function usesMoving(ctx: DiffContext, fn: string | null, types: (string | null)[]): boolean {
  const fnChanged = [...ctx.recreatedFunctions].some((k) => k === fn || k.startsWith(`${fn}(`))
  return fnChanged || [...ctx.rebuiltEnums].some((e) => types.some((t) => mentions(t, e)))
}

export function diffCasts(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.casts ?? {}, ctx.to.casts ?? {})
  const create = (key: string, c: CastInfo, detected: string): Change =>
    ({ kind: 'cast', action: 'add', name: key, detected, sql: createCast(key, c), phase: afterFunction(ctx, c.function), order: 5 })
  const drop = (key: string, detected: string): Change =>
    ({ kind: 'cast', action: 'remove', name: key, detected, sql: [`DROP CAST ${key}`], phase: PHASE.dropDefault, order: 5 })
  for (const [key, c] of added) out.push(create(key, c, detectedLine('add', 'cast', key)))
  for (const [key] of removed) out.push(drop(key, detectedLine('remove', 'cast', key)))
  for (const [key, a, b] of both) {
    const changed = JSON.stringify({ ...a, comment: null }) !== JSON.stringify({ ...b, comment: null })
    if (changed || usesMoving(ctx, a.function, [a.source, a.target])) {
      out.push(drop(key, changed ? detectedLine('change', 'cast', key) : ''), create(key, b, ''))
    } else if (a.comment !== b.comment) {
      out.push({ kind: 'cast', action: 'change', name: key, detected: detectedLine('change', 'cast', key, 'comment'), sql: [commentOn(`CAST ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
