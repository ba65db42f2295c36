/** Builders for graph tests: graphs from a compact spec, applied states, error assertions. */
import * as assert from 'uvu/assert'
import { SqlmigError } from '../../src/errors.ts'
import { type HintCommand, hintFor } from '../../src/commands/hints.ts'
import type { AppliedRevision } from '../../src/graph/applied-revision.ts'
import { plan } from '../../src/graph/plan.ts'
import type { Step } from '../../src/graph/plan.ts'
import type { Direction } from '../../src/graph/resolve.ts'
import { RevisionGraph } from '../../src/graph/revision-graph.ts'
import type { RevisionNode } from '../../src/graph/revision-graph.ts'
import { NaiveGraph } from './model.ts'

/**
 * `graphOf('a', 'a>b', 'b>c1', 'b>c2', 'c1,c2>m')`: each entry is `parents>id` (or just `id` for a
 * base); createdAt follows the argument order, so siblings come out in the order written.
 */
export function nodesOf(...specs: string[]): RevisionNode[] {
  return specs.map((spec, index) => {
    const [parents, id] = spec.includes('>') ? spec.split('>') as [string, string] : ['', spec]
    return {
      id,
      parents: parents === '' ? [] : parents.split(','),
      createdAt: `2026-01-01T00:00:${String(index).padStart(2, '0')}`,
      source: `versions/${id}.up.sql`,
      line: 2,
    }
  })
}

export function graphOf(...specs: string[]): RevisionGraph {
  return RevisionGraph.from(nodesOf(...specs))
}

/** Applied rows with orders 1, 2, 3… in the order given. */
export function appliedOf(...ids: string[]): AppliedRevision[] {
  return ids.map((id, index) => ({ id, order: index + 1 }))
}

/** Plans `target` and checks the steps (`"+b +c"` / `"-d -c"`) and the resulting applied set. */
export function assertPlan(graph: RevisionGraph, applied: readonly string[], target: string, direction: Direction, steps: string, state: string): void {
  const rows = appliedOf(...applied)
  const planned = plan(graph, rows, target, direction)
  assert.is(planned.map((step) => `${step.direction === 'up' ? '+' : '-'}${step.revision}`).join(' '), steps, `steps of ${direction} ${target}`)
  for (const step of planned) assert.is(step.node.id, step.revision)
  assert.is(stateAfter(graph, applied, planned, `${direction} ${target}`).join(' '), state, `state after ${direction} ${target}`)
}

/**
 * The applied set after running `steps` from `applied`, in topological order, by the brute-force
 * model (model.ts): it fails on a step that could not run at its turn (applied twice, before a
 * parent, undone while something applied builds on it).
 */
export function stateAfter(graph: RevisionGraph, applied: readonly string[], steps: readonly Step[], label = 'steps'): string[] {
  const model = new NaiveGraph(graph.topological().map((id) => graph.node(id)))
  const state = model.apply(applied, steps, label)
  return graph.topological().filter((id) => state.has(id))
}

export interface ExpectedError {
  name: string
  code: string
  message: string
  hint?: string | undefined
  location?: { file: string; line?: number | undefined } | undefined
  /** The error's data (what the command layer words its hint from). */
  data?: unknown
  /** The hint the command layer words from it (src/commands/hints.ts), for `command`. */
  worded?: string | undefined
  command?: HintCommand | undefined
}

/** Runs `fn`, which must throw a SqlmigError with exactly these fields. */
export function assertThrows(fn: () => unknown, expected: ExpectedError): void {
  let error: unknown
  try {
    fn()
  } catch (caught) {
    error = caught
  }
  if (!(error instanceof SqlmigError)) throw new Error(`expected a SqlmigError ${expected.code}, got ${String(error)}`)
  const { worded, command, ...fields } = expected
  if (worded !== undefined) assert.is(hintFor(error, { command }), worded, `the hint for ${expected.code}${command ? ` in ${command}` : ''}`)
  assert.equal({
    name: error.name,
    code: error.code,
    message: error.message,
    hint: error.hint,
    location: error.location,
    data: error.data,
  }, { hint: undefined, location: undefined, data: undefined, ...fields })
}
