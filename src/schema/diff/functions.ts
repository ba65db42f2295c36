/**
 * Functions and procedures. A changed body is CREATE OR REPLACE in place; a changed signature,
 * result or argument default needs DROP + CREATE, after the dependents (triggers, views,
 * policies, checks, defaults) are dropped and before they are re-created. A function whose
 * signature uses a table's or view's row type is created after those.
 */
import type { FunctionInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { functionCallText, operatorOutlivesTable, type DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

function word(f: FunctionInfo): 'FUNCTION' | 'PROCEDURE' {
  return f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'
}

function kindOf(f: FunctionInfo): 'function' | 'procedure' {
  return f.kind === 'p' ? 'procedure' : 'function'
}

/** When a function is created: with the functions, or after the tables or views its signature uses. */
export function createPhase(ctx: DiffContext, f: FunctionInfo): number {
  if (f.usesTypes.some((t) => ctx.to.views[t])) return PHASE.createView + 5
  if (f.usesTypes.length > 0) return PHASE.createLateFunction
  return PHASE.createFunction
}

function create(ctx: DiffContext, key: string, f: FunctionInfo, detected: string): Change {
  const sql = [f.definition.trim()]
  if (f.comment !== null) sql.push(commentOn(`${word(f)} ${key}`, f.comment))
  return { kind: kindOf(f), action: 'add', name: key, detected, sql, phase: createPhase(ctx, f) }
}

export function diffFunctions(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.functions, ctx.to.functions)
  for (const [key, f] of added) out.push(create(ctx, key, f, detectedLine('add', kindOf(f), key)))
  for (const [key, f] of removed) {
    // Dropped early (a new overload may otherwise make calls ambiguous) unless a table, domain or
    // range type that goes away later still uses it.
    const call = functionCallText(f)
    const late = [...ctx.droppedTables].some((t) => JSON.stringify(ctx.from.tables[t]).includes(call)) ||
      Object.values(ctx.from.domains).some((d) => JSON.stringify(d).includes(call)) ||
      Object.values(ctx.from.ranges ?? {}).some((r) => [r.subtypeDiff, r.canonical].includes(`${f.schema}.${f.name}`)) ||
      Object.values(ctx.from.operators ?? {}).some((o) => o.function === `${f.schema}.${f.name}` && !ctx.to.operators?.[`${o.schema}.${o.name}(${o.left ?? 'NONE'}, ${o.right})`] && operatorOutlivesTable(ctx, o))
    out.push({ kind: kindOf(f), action: 'remove', name: key, detected: detectedLine('remove', kindOf(f), key), sql: [`DROP ${word(f)} ${key}`], phase: late ? PHASE.dropFunction : PHASE.dropChangedFunction })
  }
  for (const [key, a, b] of both) {
    if (ctx.recreatedFunctions.has(key)) {
      out.push({ kind: kindOf(a), action: 'remove', name: key, detected: detectedLine('change', kindOf(b), key, 'signature'), sql: [`DROP ${word(a)} ${key}`], phase: PHASE.dropChangedFunction })
      out.push(create(ctx, key, b, ''))
      continue
    }
    if (a.definition !== b.definition) out.push({ ...create(ctx, key, b, detectedLine('change', kindOf(b), key)), action: 'change' })
    else if (a.comment !== b.comment) {
      out.push({ kind: kindOf(b), action: 'change', name: key, detected: detectedLine('change', kindOf(b), key, 'comment'), sql: [commentOn(`${word(b)} ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
