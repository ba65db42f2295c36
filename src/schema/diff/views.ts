/**
 * Views and materialized views. A view cannot be altered in place in general, so a changed view,
 * and every view over something that changes under it (a column's type, a dropped column, a
 * re-created function or view), is dropped before the change (dependents first) and created
 * after it (in dependency order), with its comments and a materialized view's indexes.
 */
import type { ViewInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { viewOrder, type DiffContext } from './context.ts'
import { createIndex, diffIndexes } from './constraints.ts'
import { commentOn, pairs } from './sql-text.ts'

function kindOf(v: ViewInfo): 'view' | 'materialized view' {
  return v.materialized ? 'materialized view' : 'view'
}

function createView(key: string, v: ViewInfo, detected: string, order: number): Change[] {
  const body = v.definition.trim().replace(/;$/, '')
  const word = v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'
  const sql = [`CREATE ${word} ${key}${v.options ? ` WITH (${v.options})` : ''} AS\n${body}`]
  if (v.comment !== null) sql.push(commentOn(`${word} ${key}`, v.comment))
  for (const [col, text] of Object.entries(v.columnComments)) sql.push(commentOn(`COLUMN ${key}.${col}`, text))
  const out: Change[] = [{ kind: kindOf(v), action: 'add', name: key, detected, sql, phase: PHASE.createView, order }]
  for (const i of Object.values(v.indexes)) out.push({ ...createIndex(key, i, ''), phase: PHASE.createView, order: order + 0.5 })
  return out
}

export function diffViews(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const rankFrom = viewOrder(ctx.from)
  const rankTo = viewOrder(ctx.to)
  const { removed, added, both } = pairs(ctx.from.views, ctx.to.views)
  const drop = (key: string, v: ViewInfo, detected: string): Change => ({
    kind: kindOf(v), action: 'remove', name: key, detected, sql: [`DROP ${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${key}`],
    phase: PHASE.dropView, order: -(rankFrom.get(key) ?? 0),
  })
  for (const [key, v] of removed) out.push(drop(key, v, detectedLine('remove', kindOf(v), key)))
  for (const [key, v] of added) out.push(...createView(key, v, detectedLine('add', kindOf(v), key), rankTo.get(key) ?? 0))
  for (const [key, a, b] of both) {
    if (ctx.recreatedViews.has(key)) {
      const changed = a.definition !== b.definition || a.materialized !== b.materialized || (a.options ?? '') !== (b.options ?? '')
      out.push({ ...drop(key, a, changed ? detectedLine('change', kindOf(b), key) : ''), notes: changed ? undefined : [`${kindOf(a)} ${key} is re-created around changes to what it reads`] })
      out.push(...createView(key, b, '', rankTo.get(key) ?? 0))
      continue
    }
    const word = a.materialized ? 'MATERIALIZED VIEW' : 'VIEW'
    if (a.comment !== b.comment) {
      out.push({ kind: kindOf(b), action: 'change', name: key, detected: detectedLine('change', kindOf(b), key, 'comment'), sql: [commentOn(`${word} ${key}`, b.comment)], phase: PHASE.comment })
    }
    const cc = pairs(a.columnComments, b.columnComments)
    const sql = [
      ...cc.removed.map(([c]) => commentOn(`COLUMN ${key}.${c}`, null)),
      ...cc.added.map(([c, t]) => commentOn(`COLUMN ${key}.${c}`, t)),
      ...cc.both.filter(([, x, y]) => x !== y).map(([c, , t]) => commentOn(`COLUMN ${key}.${c}`, t)),
    ]
    if (sql.length) out.push({ kind: kindOf(b), action: 'change', name: key, detected: detectedLine('change', kindOf(b), key, 'column comments'), sql, phase: PHASE.comment })
    out.push(...diffIndexes(ctx, key, pairs(a.indexes, b.indexes)))
  }
  return out
}
