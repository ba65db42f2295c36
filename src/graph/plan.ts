/**
 * Plans: which revisions to apply or undo, in which order, to reach a target from the applied
 * state. Plain data in, `Step[]` out; printing (--sql), running and --dry-run share one plan.
 *
 * Semantics (Alembic's, adapted to sqlmig recording every applied revision):
 * - upgrade X: apply every ancestor of X (X included) that is not applied, in topological order.
 *   `heads`: every unapplied revision. `head`: the single head (MULTIPLE_HEADS if several).
 * - upgrade +N / downgrade -N: see relative-move.ts (exact about the branch: an ambiguous one,
 *   or fewer than N steps that way, is an error).
 * - <revision>+N / <revision>-N name the revision N steps along children / down_revisions (an
 *   error at a branch point or merge), then act as that revision does.
 * - downgrade X: X stays applied; every applied descendant of X is undone.
 *   `base`: everything applied is undone.
 * - Every undo runs in reverse applied order, adjusted only where needed so a revision is undone
 *   after everything applied that builds on it.
 */
import { RevisionError } from '../errors.ts'
import { relativeDowngradeSteps, relativeUpgradeTarget } from './relative-move.ts'
import { appliedOrder, checkApplied } from './applied-revision.ts'
import type { AppliedRevision } from './applied-revision.ts'
import { checkDirection, formatTarget, parseTarget, resolveTarget } from './resolve.ts'
import type { Direction, Target } from './resolve.ts'
import { insertSorted } from './revision-graph.ts'
import type { RevisionGraph, RevisionNode } from './revision-graph.ts'

/** One migration to run: a revision's up or down script. */
export interface Step<T extends RevisionNode = RevisionNode> {
  revision: string
  direction: Direction
  node: T
}


function toTarget(target: Target | string, direction: Direction): Target {
  if (typeof target === 'string') return parseTarget(target, direction)
  checkDirection(target, direction)
  return target
}

function toSteps<T extends RevisionNode>(graph: RevisionGraph<T>, ids: readonly string[], direction: Direction): Step<T>[] {
  return ids.map((revision) => ({ revision, direction, node: graph.node(revision) }))
}

/** Parses `text` for `direction` and plans it: `planUpgrade` or `planDowngrade`. */
export function plan<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[], target: Target | string, direction: Direction): Step<T>[] {
  return direction === 'up' ? planUpgrade(graph, applied, target) : planDowngrade(graph, applied, target)
}

/**
 * The steps that apply what `target` needs (empty when it is already applied).
 * @throws StateError APPLIED_REVISION_MISSING; RevisionError INVALID_TARGET, UNKNOWN_REVISION,
 *   AMBIGUOUS_REVISION, MULTIPLE_HEADS, AMBIGUOUS_RELATIVE, RELATIVE_OUT_OF_RANGE.
 */
export function planUpgrade<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[], target: Target | string): Step<T>[] {
  checkApplied(graph, applied)
  const parsed = toTarget(target, 'up')
  const resolved = resolveTarget(graph, parsed)
  const done = new Set(applied.map((row) => row.id))
  switch (resolved.kind) {
    case 'base': return []
    case 'heads': return toSteps(graph, graph.topological().filter((id) => !done.has(id)), 'up')
    case 'revisions': {
      // Every revision applied (checkApplied: each applied id is in the graph): nothing to walk.
      if (done.size === graph.size) return []
      const wanted = resolved.ids.flatMap((id) => graph.ancestors(id, { inclusive: true }))
      return toSteps(graph, graph.sortTopologically(wanted).filter((id) => !done.has(id)), 'up')
    }
    case 'relative': return toSteps(graph, relativeUpgrade(graph, done, resolved.steps, formatTarget(parsed)), 'up')
  }
}

function relativeUpgrade<T extends RevisionNode>(graph: RevisionGraph<T>, done: Set<string>, steps: number, text: string): string[] {
  const target = relativeUpgradeTarget(graph, done, steps, text)
  if (target === undefined) return []
  return graph.sortTopologically(graph.ancestors(target, { inclusive: true })).filter((id) => !done.has(id))
}

/**
 * The steps that undo what `target` says (empty when nothing applied builds on it).
 * @throws StateError APPLIED_REVISION_MISSING; RevisionError INVALID_TARGET, UNKNOWN_REVISION,
 *   AMBIGUOUS_REVISION, NOT_APPLIED, AMBIGUOUS_RELATIVE, RELATIVE_OUT_OF_RANGE.
 */
export function planDowngrade<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[], target: Target | string): Step<T>[] {
  checkApplied(graph, applied)
  const parsed = toTarget(target, 'down')
  const resolved = resolveTarget(graph, parsed)
  const order = appliedOrder(applied)
  switch (resolved.kind) {
    case 'heads': return []
    case 'base': return toSteps(graph, undoOrder(graph, order, new Set(order.keys())), 'down')
    case 'revisions': {
      for (const id of resolved.ids) {
        if (!order.has(id)) {
          throw new RevisionError('NOT_APPLIED', `Cannot downgrade to "${id}": it is not applied`, { data: { revision: id } })
        }
      }
      const keep = new Set(resolved.ids.flatMap((id) => graph.ancestors(id, { inclusive: true })))
      const undo = resolved.ids.flatMap((id) => graph.descendants(id)).filter((id) => order.has(id) && !keep.has(id))
      return toSteps(graph, undoOrder(graph, order, new Set(undo)), 'down')
    }
    case 'relative': return toSteps(graph, relativeDowngradeSteps(graph, new Set(order.keys()), Math.abs(resolved.steps), formatTarget(parsed)), 'down')
  }
}

/**
 * `undo` in reverse applied order, except that a revision always comes after every applied
 * revision of `undo` that builds on it (Kahn's algorithm over children, latest applied first).
 */
function undoOrder<T extends RevisionNode>(graph: RevisionGraph<T>, order: Map<string, number>, undo: Set<string>): string[] {
  const later = (a: string, b: string): number => (order.get(b) as number) - (order.get(a) as number) || graph.rank(b) - graph.rank(a)
  const blocking = new Map<string, number>()
  const ready: string[] = []
  for (const id of undo) {
    const n = graph.children(id).filter((child) => undo.has(child)).length
    blocking.set(id, n)
    if (n === 0) insertSorted(ready, id, later)
  }
  const result: string[] = []
  while (ready.length > 0) {
    const id = ready.shift() as string
    result.push(id)
    for (const parent of graph.parents(id)) {
      const n = blocking.get(parent)
      if (n === undefined) continue
      blocking.set(parent, n - 1)
      if (n === 1) insertSorted(ready, parent, later)
    }
  }
  return result
}

/**
 * The applied set after running `steps` from `applied`: each up is added after everything
 * applied so far, each down removed. What `currentHeads` of it returns is where a run leaves the
 * database (upgrade, downgrade and stamp report it; a dry run reports where it would).
 */
export function appliedAfter(applied: readonly AppliedRevision[], steps: readonly { revision: string; direction: Direction }[]): AppliedRevision[] {
  const order = appliedOrder(applied)
  let last = 0
  for (const n of order.values()) last = Math.max(last, n)
  for (const step of steps) {
    if (step.direction === 'up') order.set(step.revision, ++last)
    else order.delete(step.revision)
  }
  return [...order].map(([id, n]) => ({ id, order: n }))
}
