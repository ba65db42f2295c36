/**
 * Dependency order from the catalogs. The per-kind diffs place each Change in a phase; within
 * and across phases that order is then corrected by pg_depend (SchemaModel.dependencies): an
 * object is created after everything it needs that the same migration creates, and dropped
 * before everything it needs that the same migration drops (reverse order). The correction is
 * a stable topological sort: changes with no recorded dependency keep their phase order, a
 * change moves only as far as a dependency forces it, and the members of a cycle keep their
 * phase order among themselves.
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
  const edges: [number, number][] = []
  const edge = (first: number | undefined, then: number | undefined) => {
    if (first !== undefined && then !== undefined && first !== then) edges.push([first, then])
  }
  for (const [name, i] of creates) for (const need of to.dependencies?.[name] ?? []) edge(creates.get(need), i)
  for (const [name, i] of drops) for (const need of from.dependencies?.[name] ?? []) edge(i, drops.get(need))
  // An object dropped and created again (a function whose result changes) is dropped first,
  // however late a dependent's drop holds its drop back.
  for (const [name, i] of drops) edge(i, creates.get(name))
  // Edges inside a cycle are left out: its members keep their phase order among themselves.
  const component = components(changes.length, edges)
  const after: number[][] = changes.map(() => [])
  const waits = changes.map(() => 0)
  for (const [first, then] of edges) {
    if (component[first] === component[then]) continue
    after[first]!.push(then)
    waits[then]!++
  }
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
  while (ready.length > 0) {
    const i = ready.shift()!
    done.add(i)
    out.push(changes[i]!)
    for (const j of after[i]!) if (--waits[j]! === 0 && !done.has(j)) insert(j)
  }
  return out
}

/** Strongly connected components (Tarjan's, iterative): component id of each node. */
function components(n: number, edges: [number, number][]): number[] {
  const next: number[][] = Array.from({ length: n }, () => [])
  for (const [a, b] of edges) next[a]!.push(b)
  const index = new Array<number>(n).fill(-1)
  const low = new Array<number>(n).fill(0)
  const comp = new Array<number>(n).fill(-1)
  const stack: number[] = []
  const onStack = new Array<boolean>(n).fill(false)
  let counter = 0
  let ids = 0
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue
    const work: [number, number][] = [[root, 0]]
    while (work.length > 0) {
      const top = work[work.length - 1]!
      const [v, k] = top
      if (k === 0) {
        index[v] = low[v] = counter++
        stack.push(v)
        onStack[v] = true
      }
      if (k < next[v]!.length) {
        top[1] = k + 1
        const w = next[v]![k]!
        if (index[w] === -1) work.push([w, 0])
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!)
        continue
      }
      work.pop()
      if (work.length > 0) {
        const u = work[work.length - 1]![0]
        low[u] = Math.min(low[u]!, low[v]!)
      }
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack.pop()!
          onStack[w] = false
          comp[w] = ids
        } while (w !== v)
        ids++
      }
    }
  }
  return comp
}
