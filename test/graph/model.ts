/**
 * A brute-force model of a revision graph for graph and plan tests: built from the nodes alone
 * (parents lists), with ancestry by plain DFS, so tests compare the planner with something that
 * shares none of its code (not RevisionGraph's ancestry, not currentHeads, not relative-move.ts).
 * Slow and obvious on purpose.
 */
import type { RevisionNode } from '../../src/graph/revision-graph.ts'

export interface StepLike {
  revision: string
  direction: 'up' | 'down'
}

/** What a plan should do, by the documented rules: the applied set after it, or the error code. */
export type Outcome = { state: Set<string> } | { error: string }

export class NaiveGraph {
  readonly ids: string[]
  readonly parentsOf = new Map<string, string[]>()

  constructor(nodes: readonly RevisionNode[]) {
    this.ids = nodes.map((node) => node.id)
    for (const node of nodes) this.parentsOf.set(node.id, [...node.parents])
  }

  /** Ids whose parents include `id` (by scanning every node). */
  childrenOf(id: string): string[] {
    return this.ids.filter((other) => (this.parentsOf.get(other) ?? []).includes(id))
  }

  /** `id` and everything reachable along parents. */
  ancestors(id: string): Set<string> {
    const seen = new Set<string>()
    const visit = (x: string): void => {
      if (seen.has(x)) return
      seen.add(x)
      for (const parent of this.parentsOf.get(x) ?? []) visit(parent)
    }
    visit(id)
    return seen
  }

  /** Everything that has `id` as an ancestor, `id` excluded. */
  descendants(id: string): Set<string> {
    return new Set(this.ids.filter((other) => other !== id && this.ancestors(other).has(id)))
  }

  bases(): string[] {
    return this.ids.filter((id) => (this.parentsOf.get(id) ?? []).length === 0)
  }

  /** The maximal elements of `applied` under the ancestor relation: nothing else applied descends from them. */
  heads(applied: ReadonlySet<string>): Set<string> {
    const heads = new Set<string>()
    for (const x of applied) {
      if (![...applied].some((y) => y !== x && this.ancestors(y).has(x))) heads.add(x)
    }
    return heads
  }

  /**
   * Runs `steps` on a copy of `applied`, failing (with `label`) on a step that could not run:
   * an up whose revision is applied or whose parent is not, a down whose revision is not applied
   * or that something applied still builds on.
   */
  apply(applied: Iterable<string>, steps: readonly StepLike[], label = ''): Set<string> {
    const state = new Set(applied)
    for (const step of steps) {
      if (step.direction === 'up') {
        if (state.has(step.revision)) throw new Error(`${label}: ${step.revision} applied twice`)
        const missing = (this.parentsOf.get(step.revision) ?? []).find((parent) => !state.has(parent))
        if (missing !== undefined) throw new Error(`${label}: ${step.revision} applied before its parent ${missing}`)
        state.add(step.revision)
      } else {
        if (!state.has(step.revision)) throw new Error(`${label}: ${step.revision} undone but not applied`)
        const child = [...state].find((id) => (this.parentsOf.get(id) ?? []).includes(step.revision))
        if (child !== undefined) throw new Error(`${label}: ${step.revision} undone before its child ${child}`)
        state.delete(step.revision)
      }
    }
    return state
  }

  /** `upgrade <id>`: the ancestors of `id` join the applied set. */
  upgradeTo(applied: ReadonlySet<string>, id: string): Set<string> {
    return new Set([...applied, ...this.ancestors(id)])
  }

  /** `downgrade <id>`: `id` must be applied; its descendants leave the applied set. */
  downgradeTo(applied: ReadonlySet<string>, id: string): Outcome {
    if (!applied.has(id)) return { error: 'NOT_APPLIED' }
    const gone = this.descendants(id)
    return { state: new Set([...applied].filter((x) => !gone.has(x))) }
  }

  /** The README's `upgrade +N` table: from the one current revision (or the one base), N single-child steps. */
  upgradeBy(applied: ReadonlySet<string>, n: number): Outcome {
    if (n === 0) return { state: new Set(applied) }
    const heads = [...this.heads(applied)]
    if (heads.length > 1) return { error: 'AMBIGUOUS_RELATIVE' }
    let id: string
    let walked = 0
    if (heads.length === 1) {
      id = heads[0] as string
    } else {
      const bases = this.bases()
      if (bases.length === 0) return { error: 'RELATIVE_OUT_OF_RANGE' }
      if (bases.length > 1) return { error: 'AMBIGUOUS_RELATIVE' }
      id = bases[0] as string
      walked = 1
    }
    const reached = this.walkChildren(id, n - walked)
    return typeof reached === 'string' ? { state: this.upgradeTo(applied, reached) } : reached
  }

  /** The README's `downgrade -N` table: N times, undo the one current revision. */
  downgradeBy(applied: ReadonlySet<string>, n: number): Outcome {
    const state = new Set(applied)
    for (let i = 0; i < n; i++) {
      const heads = [...this.heads(state)]
      if (heads.length === 0) return { error: 'RELATIVE_OUT_OF_RANGE' }
      if (heads.length > 1) return { error: 'AMBIGUOUS_RELATIVE' }
      state.delete(heads[0] as string)
    }
    return { state }
  }

  /** `upgrade <id>+N`: N single-child steps from `id`, then as `upgrade <reached>`. */
  upgradeFrom(applied: ReadonlySet<string>, id: string, n: number): Outcome {
    const reached = this.walkChildren(id, n)
    return typeof reached === 'string' ? { state: this.upgradeTo(applied, reached) } : reached
  }

  private walkChildren(from: string, n: number): string | { error: string } {
    let id = from
    for (let i = 0; i < n; i++) {
      const children = this.childrenOf(id)
      if (children.length === 0) return { error: 'RELATIVE_OUT_OF_RANGE' }
      if (children.length > 1) return { error: 'AMBIGUOUS_RELATIVE' }
      id = children[0] as string
    }
    return id
  }
}
