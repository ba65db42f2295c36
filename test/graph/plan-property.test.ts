/**
 * Property test: random DAGs (seeded), random applied states reached by random plans. After
 * every plan the applied set is closed under ancestors, each step was runnable when it ran, and
 * the set is what the target means.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SqlmigError } from '../../src/errors.ts'
import type { AppliedRevision } from '../../src/graph/applied-revision.ts'
import { currentHeads } from '../../src/graph/applied-revision.ts'
import { planDowngrade, planUpgrade } from '../../src/graph/plan.ts'
import type { Step } from '../../src/graph/plan.ts'
import { RevisionGraph } from '../../src/graph/revision-graph.ts'
import type { RevisionNode } from '../../src/graph/revision-graph.ts'
import { random } from '../helpers/random.ts'

function randomGraph(next: () => number): RevisionGraph {
  const size = 1 + Math.floor(next() * 14)
  const nodes: RevisionNode[] = []
  for (let i = 0; i < size; i++) {
    const parents = new Set<string>()
    if (i > 0 && next() > 0.15) {
      const count = next() < 0.25 ? 2 + Math.floor(next() * 2) : 1
      for (let k = 0; k < count; k++) parents.add(nodes[Math.floor(next() * i)]?.id as string)
    }
    nodes.push({ id: `r${i}x${Math.floor(next() * 100)}`, parents: [...parents], createdAt: String(Math.floor(next() * 5)) })
  }
  return RevisionGraph.from(nodes.sort(() => next() - 0.5))
}

const pick = <V>(next: () => number, list: readonly V[]): V => list[Math.floor(next() * list.length)] as V

class State {
  rows: AppliedRevision[] = []
  counter = 0
  readonly graph: RevisionGraph
  constructor(graph: RevisionGraph) {
    this.graph = graph
  }
  ids(): Set<string> {
    return new Set(this.rows.map((row) => row.id))
  }
  /** Runs the steps one by one, checking each is runnable at its turn. */
  run(steps: Step[], label: string): void {
    for (const step of steps) {
      const ids = this.ids()
      if (step.direction === 'up') {
        assert.not.ok(ids.has(step.revision), `${label}: ${step.revision} applied twice`)
        for (const parent of this.graph.parents(step.revision)) assert.ok(ids.has(parent), `${label}: ${step.revision} before its parent ${parent}`)
        this.rows.push({ id: step.revision, order: ++this.counter })
      } else {
        assert.ok(ids.has(step.revision), `${label}: ${step.revision} undone but not applied`)
        for (const child of this.graph.children(step.revision)) assert.not.ok(ids.has(child), `${label}: ${step.revision} undone before its child ${child}`)
        this.rows = this.rows.filter((row) => row.id !== step.revision)
      }
    }
    const ids = this.ids()
    for (const id of ids) {
      for (const parent of this.graph.parents(id)) assert.ok(ids.has(parent), `${label}: ${id} applied without ${parent}`)
    }
  }
}

const sorted = (graph: RevisionGraph, ids: Iterable<string>): string => graph.sortTopologically(ids).join(' ')
const minus = (a: Set<string>, b: Iterable<string>): Set<string> => {
  const out = new Set(a)
  for (const x of b) out.delete(x)
  return out
}

function randomOperation(next: () => number, state: State, label: string): void {
  const { graph } = state
  const before = state.ids()
  const all = graph.topological()
  const applied = [...before]
  const choice = Math.floor(next() * 8)
  const expectError = (fn: () => unknown, codes: string[]): void => {
    try {
      fn()
    } catch (error) {
      if (error instanceof SqlmigError && codes.includes(error.code)) return
      throw error
    }
  }
  if (choice === 0) {
    const target = pick(next, all)
    const steps = planUpgrade(graph, state.rows, target)
    state.run(steps, `${label} upgrade ${target}`)
    assert.is(sorted(graph, state.ids()), sorted(graph, [...before, ...graph.ancestors(target, { inclusive: true })]), `${label} upgrade ${target}`)
  } else if (choice === 1) {
    state.run(planUpgrade(graph, state.rows, 'heads'), `${label} upgrade heads`)
    assert.is(state.ids().size, graph.size)
  } else if (choice === 2) {
    const n = Math.floor(next() * 4)
    expectError(() => {
      const steps = planUpgrade(graph, state.rows, `+${n}`)
      assert.ok(n === 0 ? steps.length === 0 : steps.length >= n, `${label} upgrade +${n} applies at least ${n}`)
      state.run(steps, `${label} upgrade +${n}`)
    }, ['AMBIGUOUS_RELATIVE', 'RELATIVE_OUT_OF_RANGE'])
  } else if (choice === 3 && applied.length > 0) {
    const target = pick(next, applied)
    const steps = planDowngrade(graph, state.rows, target)
    state.run(steps, `${label} downgrade ${target}`)
    assert.is(sorted(graph, state.ids()), sorted(graph, minus(before, graph.descendants(target))), `${label} downgrade ${target}`)
  } else if (choice === 4) {
    const n = Math.floor(next() * 4)
    expectError(() => {
      const steps = planDowngrade(graph, state.rows, `-${n}`)
      assert.is(steps.length, n, `${label} downgrade -${n} undoes exactly ${n}`)
      state.run(steps, `${label} downgrade -${n}`)
    }, ['AMBIGUOUS_RELATIVE', 'RELATIVE_OUT_OF_RANGE'])
  } else if (choice === 5) {
    const target = pick(next, all)
    if (before.has(target)) return
    expectError(() => planDowngrade(graph, state.rows, target), ['NOT_APPLIED'])
  } else if (choice === 6) {
    const target = `${pick(next, all)}+${Math.floor(next() * 3)}`
    expectError(() => state.run(planUpgrade(graph, state.rows, target), `${label} upgrade ${target}`), ['AMBIGUOUS_RELATIVE', 'RELATIVE_OUT_OF_RANGE'])
  } else if (choice === 7 && next() < 0.3) {
    state.run(planDowngrade(graph, state.rows, 'base'), `${label} downgrade base`)
    assert.is(state.rows.length, 0)
  }
  for (const head of currentHeads(graph, state.rows)) {
    assert.not.ok(graph.children(head).some((child) => state.ids().has(child)))
  }
}

test('random plans keep the applied set closed and mean what their target says', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed)
    const graph = randomGraph(next)
    const state = new State(graph)
    for (let op = 0; op < 40; op++) randomOperation(next, state, `seed ${seed} op ${op}`)
    state.run(planUpgrade(graph, state.rows, 'heads'), `seed ${seed} final upgrade`)
    assert.is(state.rows.length, graph.size)
    state.run(planDowngrade(graph, state.rows, 'base'), `seed ${seed} final downgrade`)
    assert.is(state.rows.length, 0, `seed ${seed}: base leaves nothing applied`)
  }
})

test('topological() is the same whatever order the nodes are given in', () => {
  for (let seed = 1; seed <= 100; seed++) {
    const next = random(seed)
    const graph = randomGraph(next)
    const nodes = graph.topological().map((id) => graph.node(id))
    const shuffled = RevisionGraph.from([...nodes].sort(() => next() - 0.5))
    assert.equal(shuffled.topological(), graph.topological(), `seed ${seed}`)
    for (const id of graph.topological()) {
      for (const parent of graph.parents(id)) assert.ok(graph.rank(parent) < graph.rank(id))
    }
  }
})

test.run()
