/**
 * Property test: random DAGs (seeded), random applied states reached by random plans, each
 * judged by the brute-force model of model.ts (DFS ancestry, the README's rules for ±N). The
 * model predicts an error (the plan must throw it, with that code) or the applied set after the
 * plan (each step must be runnable when it runs); after every operation the current heads are the
 * applied set's maximal elements.
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
import { NaiveGraph, type Outcome } from './model.ts'

function randomGraph(next: () => number): { graph: RevisionGraph; model: NaiveGraph } {
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
  return { graph: RevisionGraph.from([...nodes].sort(() => next() - 0.5)), model: new NaiveGraph(nodes) }
}

const pick = <V>(next: () => number, list: readonly V[]): V => list[Math.floor(next() * list.length)] as V
const key = (ids: Iterable<string>): string => [...ids].sort().join(' ')

/** The applied rows (with orders, as the planner reads them), changed only by running steps. */
class State {
  rows: AppliedRevision[] = []
  counter = 0
  readonly model: NaiveGraph
  constructor(model: NaiveGraph) {
    this.model = model
  }
  ids(): Set<string> {
    return new Set(this.rows.map((row) => row.id))
  }
  /** Runs the steps one by one; the model fails on any step that could not run at its turn. */
  run(steps: Step[], label: string): void {
    this.model.apply(this.ids(), steps, label)
    for (const step of steps) {
      if (step.direction === 'up') this.rows.push({ id: step.revision, order: ++this.counter })
      else this.rows = this.rows.filter((row) => row.id !== step.revision)
    }
    const ids = this.ids()
    for (const id of ids) {
      for (const parent of this.model.parentsOf.get(id) ?? []) assert.ok(ids.has(parent), `${label}: ${id} applied without ${parent}`)
    }
  }
}

/** Every outcome the model predicted, counted, so a generator that stops reaching one is noticed. */
const seen = new Map<string, number>()

/**
 * Plans with `planned` and checks it against the model: the error it predicts (a SqlmigError with
 * that code; planning without one fails), or steps that run and leave the state it predicts.
 */
function expectOutcome(state: State, operation: string, expected: Outcome, label: string, planned: () => Step[], check?: (steps: Step[]) => void): void {
  const outcome = `${operation}: ${'error' in expected ? expected.error : 'planned'}`
  seen.set(outcome, (seen.get(outcome) ?? 0) + 1)
  if ('error' in expected) {
    let threw = false
    try {
      planned()
    } catch (error) {
      threw = true
      if (!(error instanceof SqlmigError)) throw error
      assert.is(error.code, expected.error, `${label}: ${error.message}`)
    }
    assert.ok(threw, `${label}: planned steps, expected ${expected.error}`)
    return
  }
  const steps = planned()
  check?.(steps)
  state.run(steps, label)
  assert.is(key(state.ids()), key(expected.state), `${label}: applied set`)
}

function randomOperation(next: () => number, graph: RevisionGraph, state: State, label: string): void {
  const { model } = state
  const before = state.ids()
  const all = model.ids
  const applied = [...before]
  const choice = Math.floor(next() * 8)
  if (choice === 0) {
    const target = pick(next, all)
    expectOutcome(state, 'upgrade <id>', { state: model.upgradeTo(before, target) }, `${label} upgrade ${target}`, () => planUpgrade(graph, state.rows, target))
  } else if (choice === 1) {
    expectOutcome(state, 'upgrade heads', { state: new Set(all) }, `${label} upgrade heads`, () => planUpgrade(graph, state.rows, 'heads'))
  } else if (choice === 2) {
    const n = Math.floor(next() * 4)
    expectOutcome(state, 'upgrade +N', model.upgradeBy(before, n), `${label} upgrade +${n}`, () => planUpgrade(graph, state.rows, `+${n}`))
  } else if (choice === 3 && applied.length > 0) {
    const target = pick(next, applied)
    expectOutcome(state, 'downgrade <applied id>', model.downgradeTo(before, target), `${label} downgrade ${target}`, () => planDowngrade(graph, state.rows, target))
  } else if (choice === 4) {
    const n = Math.floor(next() * 4)
    expectOutcome(state, 'downgrade -N', model.downgradeBy(before, n), `${label} downgrade -${n}`, () => planDowngrade(graph, state.rows, `-${n}`),
      (steps) => assert.is(steps.length, n, `${label} downgrade -${n} undoes exactly ${n}`))
  } else if (choice === 5) {
    const target = pick(next, all)
    expectOutcome(state, 'downgrade <any id>', model.downgradeTo(before, target), `${label} downgrade ${target}`, () => planDowngrade(graph, state.rows, target))
  } else if (choice === 6) {
    const from = pick(next, all)
    const n = Math.floor(next() * 3)
    expectOutcome(state, 'upgrade <id>+N', model.upgradeFrom(before, from, n), `${label} upgrade ${from}+${n}`, () => planUpgrade(graph, state.rows, `${from}+${n}`))
  } else if (choice === 7 && next() < 0.3) {
    expectOutcome(state, 'downgrade base', { state: new Set() }, `${label} downgrade base`, () => planDowngrade(graph, state.rows, 'base'))
  }
  // The current revisions are the applied set's maximal elements (the model's DFS), in topological order.
  const heads = model.heads(state.ids())
  assert.equal(currentHeads(graph, state.rows), graph.topological().filter((id) => heads.has(id)), `${label}: current heads`)
}

test('random plans keep the applied set closed and mean what their target says', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed)
    const { graph, model } = randomGraph(next)
    const state = new State(model)
    for (let op = 0; op < 40; op++) randomOperation(next, graph, state, `seed ${seed} op ${op}`)
    state.run(planUpgrade(graph, state.rows, 'heads'), `seed ${seed} final upgrade`)
    assert.is(state.rows.length, graph.size)
    state.run(planDowngrade(graph, state.rows, 'base'), `seed ${seed} final downgrade`)
    assert.is(state.rows.length, 0, `seed ${seed}: base leaves nothing applied`)
  }
  // The generator reaches every outcome of every operation (else a part of the model goes untested).
  const expected = ['upgrade <id>: planned', 'upgrade heads: planned', 'downgrade base: planned', 'downgrade <applied id>: planned',
    'downgrade <any id>: planned', 'downgrade <any id>: NOT_APPLIED']
  for (const operation of ['upgrade +N', 'downgrade -N', 'upgrade <id>+N']) {
    for (const kind of ['planned', 'AMBIGUOUS_RELATIVE', 'RELATIVE_OUT_OF_RANGE']) expected.push(`${operation}: ${kind}`)
  }
  assert.equal([...seen.keys()].sort(), expected.sort())
})

test('topological() is the same whatever order the nodes are given in', () => {
  for (let seed = 1; seed <= 100; seed++) {
    const next = random(seed)
    const { graph } = randomGraph(next)
    const nodes = graph.topological().map((id) => graph.node(id))
    const shuffled = RevisionGraph.from([...nodes].sort(() => next() - 0.5))
    assert.equal(shuffled.topological(), graph.topological(), `seed ${seed}`)
    for (const id of graph.topological()) {
      for (const parent of graph.parents(id)) assert.ok(graph.rank(parent) < graph.rank(id))
    }
  }
})

test.run()
