/**
 * Dependency order from the catalogs. The per-kind diffs place each Change in a phase; within
 * and across phases that order is then corrected by pg_depend (SchemaModel.dependencies): an
 * object is created after everything it needs that the same migration creates, and dropped
 * before everything it needs that the same migration drops (reverse order). The correction is
 * a stable topological sort: changes with no recorded dependency keep their phase order, a
 * change moves only as far as a dependency forces it, and a cycle (which PostgreSQL resolves
 * itself, e.g. a sequence owned by the column whose default uses it) keeps the phase order.
 */
import type { SchemaModel } from '../model.ts'
import type { Change, ObjectKind } from './change.ts'

/** Kinds whose Change names are model keys of whole objects (what pg_depend entries name). */
const WHOLE: ReadonlySet<ObjectKind> = new Set<ObjectKind>([
  'extension', 'enum', 'domain', 'composite type', 'range type', 'sequence', 'table', 'foreign table',
  'view', 'materialized view', 'function', 'procedure', 'aggregate',
])

/** `changes` (already in phase order) reordered so that no create precedes what it needs and no drop follows it. */
export function orderByDependencies(changes: Change[], from: SchemaModel, to: SchemaModel): Change[] {
  if (!from.dependencies && !to.dependencies) return changes
  // The first add and the first remove of each object stand for it.
  const creates = new Map<string, number>()
  const drops = new Map<string, number>()
  changes.forEach((c, i) => {
    if (!WHOLE.has(c.kind) || c.sql.length === 0) return
    const at = c.action === 'add' ? creates : c.action === 'remove' ? drops : undefined
    if (at && !at.has(c.name)) at.set(c.name, i)
  })
  const after: number[][] = changes.map(() => [])
  const waits = changes.map(() => 0)
  const edge = (first: number | undefined, then: number | undefined) => {
    if (first === undefined || then === undefined || first === then) return
    after[first]!.push(then)
    waits[then]!++
  }
  for (const [name, i] of creates) for (const need of to.dependencies?.[name] ?? []) edge(creates.get(need), i)
  for (const [name, i] of drops) for (const need of from.dependencies?.[name] ?? []) edge(i, drops.get(need))
  // Kahn's algorithm, always taking the earliest ready change.
  const ready: number[] = []
  const insert = (i: number) => {
    let lo = 0
    let hi = ready.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (ready[mid]! < i) lo = mid + 1
      else hi = mid
    }
    ready.splice(lo, 0, i)
  }
  waits.forEach((w, i) => { if (w === 0) ready.push(i) })
  const out: Change[] = []
  const done = new Set<number>()
  while (done.size < changes.length) {
    if (ready.length === 0) {
      // A cycle: release its earliest change in phase order.
      const i = changes.findIndex((_c, k) => !done.has(k))
      waits[i] = 0
      insert(i)
    }
    const i = ready.shift()!
    if (done.has(i)) continue
    done.add(i)
    out.push(changes[i]!)
    for (const j of after[i]!) if (--waits[j]! === 0 && !done.has(j)) insert(j)
  }
  return out
}
