/**
 * Plans: which revisions to apply or undo, in which order, to reach a target from the applied
 * state. Plain data in, `Step[]` out; printing (--sql), running and --dry-run share one plan.
 *
 * Semantics (Alembic's, adapted to sqlmig recording every applied revision):
 * - upgrade X: apply every ancestor of X (X included) that is not applied, in topological order.
 *   `heads`: every unapplied revision. `head`: the single head (MULTIPLE_HEADS if several).
 * - upgrade +N: the first N steps towards the heads that still have pending revisions. With one
 *   such head that is the first N steps of the plan to it. With several, only the pending
 *   revisions every one of them needs are unambiguous (the part before the branches split);
 *   going further is AMBIGUOUS_RELATIVE: name the revision, or `<revision>+N`.
 * - <revision>+N / <revision>-N name the revision N steps along children / down_revisions (an
 *   error at a branch point or merge), then act as that revision does.
 * - downgrade X: X stays applied; every applied descendant of X is undone.
 *   `base`: everything applied is undone.
 * - downgrade -N: undo the N most recently applied revisions, where "most recent" is taken
 *   among those nothing applied builds on at that moment. When the applied order is
 *   topological (always, unless a stamp wrote rows out of order) that is exactly the last N
 *   revisions in applied order: the reverse of what was actually run, never ambiguous even with
 *   several current heads.
 * - Every undo runs in reverse applied order, adjusted only where needed so a revision is undone
 *   after everything applied that builds on it.
 */
import { RevisionError } from '../errors.ts'
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

const quote = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ')
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

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
      const wanted = resolved.ids.flatMap((id) => graph.ancestors(id, { inclusive: true }))
      return toSteps(graph, graph.sortTopologically(wanted).filter((id) => !done.has(id)), 'up')
    }
    case 'relative': return toSteps(graph, relativeUpgrade(graph, done, resolved.steps, formatTarget(parsed)), 'up')
  }
}

function relativeUpgrade<T extends RevisionNode>(graph: RevisionGraph<T>, done: Set<string>, steps: number, text: string): string[] {
  const pending = graph.topological().filter((id) => !done.has(id))
  if (pending.length === 0 || steps === 0) return []
  if (steps > pending.length) {
    throw new RevisionError('RELATIVE_OUT_OF_RANGE', `Cannot upgrade by "${text}": only ${count(pending.length, 'revision')} ${pending.length === 1 ? 'is' : 'are'} pending`,
      { hint: `Use at most "+${pending.length}", or run "sqlmig upgrade heads" to apply them all` })
  }
  const needs = graph.heads()
    .map((head) => ({ head, ancestry: new Set(graph.ancestors(head, { inclusive: true })) }))
    .filter(({ ancestry }) => pending.some((id) => ancestry.has(id)))
  const shared = pending.filter((id) => needs.every(({ ancestry }) => ancestry.has(id)))
  if (steps <= shared.length) return shared.slice(0, steps)
  const heads = needs.map(({ head }) => head)
  throw new RevisionError('AMBIGUOUS_RELATIVE',
    `Cannot upgrade by "${text}": the pending revisions lead to ${heads.length} heads (${quote(heads)})` +
      (shared.length > 0 ? ` and only the first ${count(shared.length, 'step')} ${shared.length === 1 ? 'is' : 'are'} shared` : ''),
    { hint: `Name where to stop: a revision ("sqlmig upgrade ${heads[0]}") or a revision and steps ("sqlmig upgrade <revision>+1")` })
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
          throw new RevisionError('NOT_APPLIED', `Cannot downgrade to "${id}": it is not applied`,
            { hint: `Run "sqlmig upgrade ${id}" to apply it, or "sqlmig current" to see what is applied` })
        }
      }
      const keep = new Set(resolved.ids.flatMap((id) => graph.ancestors(id, { inclusive: true })))
      const undo = resolved.ids.flatMap((id) => graph.descendants(id)).filter((id) => order.has(id) && !keep.has(id))
      return toSteps(graph, undoOrder(graph, order, new Set(undo)), 'down')
    }
    case 'relative': {
      const steps = Math.abs(resolved.steps)
      if (steps > order.size) {
        const state = order.size === 0 ? 'no revision is applied' : `only ${count(order.size, 'revision')} ${order.size === 1 ? 'is' : 'are'} applied`
        throw new RevisionError('RELATIVE_OUT_OF_RANGE', `Cannot downgrade by "${formatTarget(parsed)}": ${state}`,
          { hint: order.size === 0 ? 'Run "sqlmig current" to check the database' : `Use at most "-${order.size}", or "sqlmig downgrade base" to undo everything` })
      }
      return toSteps(graph, undoOrder(graph, order, new Set(order.keys())).slice(0, steps), 'down')
    }
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

/** The applied ids (topological order) after running `steps` from `applied`. */
export function plannedState<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[], steps: readonly Step<RevisionNode>[]): string[] {
  checkApplied(graph, applied)
  const ids = new Set(applied.map((row) => row.id))
  for (const step of steps) {
    if (step.direction === 'up') ids.add(step.revision)
    else ids.delete(step.revision)
  }
  return graph.sortTopologically(ids)
}
