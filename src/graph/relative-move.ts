/**
 * `+N` and `-N` from the current state, exact about which branch they mean (Alembic's
 * `_parse_upgrade_target`/`_walk`, with sqlmig's record of every applied revision):
 * - upgrade +N starts from the one current head (nothing applied: the one base, which is the
 *   first step) and walks N steps along children; the revision reached is the target, applied as
 *   `upgrade <that revision>` would (a merge on the way brings its other unapplied parents).
 *   Several current heads, several bases, or a step with several children: AMBIGUOUS_RELATIVE.
 * - downgrade -N undoes N revisions one at a time, each the one current head at that moment (so
 *   undoing a merge is one step and leaves both parents applied). Several current heads at a
 *   step (several at the start, or the parents of a merge just undone): AMBIGUOUS_RELATIVE.
 * - Fewer than N steps that way: RELATIVE_OUT_OF_RANGE, nothing planned.
 * The errors carry the candidates and the explicit targets; commands/ words the hint.
 */
import { AmbiguousRelativeTarget, RelativeOutOfRange } from '../errors.ts'
import type { RevisionGraph, RevisionNode } from './revision-graph.ts'

const quote = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ')
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** Applied revisions no other applied revision builds on, in topological order. */
function headsOf<T extends RevisionNode>(graph: RevisionGraph<T>, applied: ReadonlySet<string>): string[] {
  return graph.sortTopologically(applied).filter((id) => !graph.children(id).some((child) => applied.has(child)))
}

/**
 * The explicit target for going `steps` children on from `from`: the revision reached, or
 * `<from>+<steps>` when a branch point comes first (typing it names the next fork), or
 * undefined when a head comes first (that way has too few steps).
 */
function targetUp<T extends RevisionNode>(graph: RevisionGraph<T>, from: string, steps: number): string | undefined {
  let id = from
  for (let done = 0; done < steps; done++) {
    const next = graph.children(id)
    if (next.length === 0) return undefined
    if (next.length > 1) return `${from}+${steps}`
    id = next[0] as string
  }
  return id
}

/**
 * The revision `upgrade +steps` means from `applied`, or undefined for `+0`.
 * @throws AmbiguousRelativeTarget; RelativeOutOfRange.
 */
export function relativeUpgradeTarget<T extends RevisionNode>(graph: RevisionGraph<T>, applied: ReadonlySet<string>, steps: number, text: string): string | undefined {
  if (steps === 0) return undefined
  const fail = `Cannot upgrade by "${text}"`
  const heads = headsOf(graph, applied)
  if (heads.length > 1) {
    throw new AmbiguousRelativeTarget(text, 'up', heads, heads.map((head) => targetUp(graph, head, steps)),
      `${fail}: ${heads.length} revisions are current (${quote(heads)})`)
  }
  let id: string
  let walked = 0
  if (heads.length === 1) {
    id = heads[0] as string
  } else {
    const bases = graph.bases()
    if (bases.length === 0) throw new RelativeOutOfRange(text, 'up', steps, 0, undefined, `${fail}: there are no revisions`)
    if (bases.length > 1) {
      throw new AmbiguousRelativeTarget(text, 'up', bases, bases.map((base) => targetUp(graph, base, steps - 1)),
        `${fail}: nothing is applied and there are ${bases.length} bases (${quote(bases)})`)
    }
    id = bases[0] as string
    walked = 1
  }
  const from = heads.length === 1 ? `"${id}"` : 'base'
  for (; walked < steps; walked++) {
    const next = graph.children(id)
    if (next.length === 0) {
      throw new RelativeOutOfRange(text, 'up', steps, walked, heads.length === 1 && walked === 0 ? undefined : id,
        walked === 0 ? `${fail}: "${id}" is a head, nothing follows it` : `${fail}: "${id}" is a head, ${count(walked, 'step')} from ${from}`)
    }
    if (next.length > 1) {
      const left = steps - walked - 1
      throw new AmbiguousRelativeTarget(text, 'up', [...next], next.map((child) => targetUp(graph, child, left)),
        `${fail}: "${id}" has ${next.length} children (${quote(next)})`)
    }
    id = next[0] as string
  }
  return id
}

/** Undoes up to `steps` revisions from `applied`, each the single current head; where it stopped and why. */
function walkDown<T extends RevisionNode>(graph: RevisionGraph<T>, applied: ReadonlySet<string>, steps: number, first?: string) {
  const left = new Set(applied)
  const undo: string[] = []
  let heads = first === undefined ? headsOf(graph, left) : [first]
  while (undo.length < steps && heads.length === 1) {
    const id = heads[0] as string
    undo.push(id)
    left.delete(id)
    heads = headsOf(graph, left)
  }
  return { undo, heads }
}

/** A revision whose `downgrade` undoes exactly `undo` from `applied` ("base" for everything), if any. */
function keepTarget<T extends RevisionNode>(graph: RevisionGraph<T>, applied: ReadonlySet<string>, undo: readonly string[]): string | undefined {
  const gone = new Set(undo)
  if (gone.size === applied.size) return 'base'
  return graph.sortTopologically([...applied].filter((id) => !gone.has(id))).find((keep) => {
    const undone = graph.descendants(keep).filter((id) => applied.has(id))
    return undone.length === gone.size && undone.every((id) => gone.has(id))
  })
}

/**
 * The revisions `downgrade -steps` undoes from `applied`, in order.
 * @throws AmbiguousRelativeTarget; RelativeOutOfRange.
 */
export function relativeDowngradeSteps<T extends RevisionNode>(graph: RevisionGraph<T>, applied: ReadonlySet<string>, steps: number, text: string): string[] {
  const fail = `Cannot downgrade by "${text}"`
  const { undo, heads } = walkDown(graph, applied, steps)
  if (undo.length === steps) return undo
  if (heads.length === 0) {
    throw new RelativeOutOfRange(text, 'down', steps, undo.length, undefined, undo.length === 0
      ? `${fail}: no revision is applied`
      : `${fail}: only ${count(undo.length, 'revision')} ${undo.length === 1 ? 'is' : 'are'} applied`)
  }
  const targets = heads.map((head) => {
    const rest = walkDown(graph, new Set([...applied].filter((id) => !undo.includes(id))), steps - undo.length, head)
    return rest.undo.length === steps - undo.length ? keepTarget(graph, applied, [...undo, ...rest.undo]) : undefined
  })
  const where = undo.length === 0 ? '' : `after undoing "${undo[undo.length - 1]}", `
  throw new AmbiguousRelativeTarget(text, 'down', heads, targets, `${fail}: ${where}${heads.length} revisions are current (${quote(heads)})`)
}
