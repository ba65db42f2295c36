/**
 * `upgrade +N` / `downgrade -N` from the current state over graphs with several bases, branch
 * points and merges: for each (graph, applied, target) the resulting applied set, or the error
 * with its candidates and the explicit targets the hint names. Written out by hand.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AmbiguousRelativeTarget, RelativeOutOfRange } from '../../src/errors.ts'
import { plan } from '../../src/graph/plan.ts'
import type { RevisionGraph } from '../../src/graph/revision-graph.ts'
import { appliedOf, graphOf, stateAfter } from './build.ts'

const GRAPHS: Record<string, RevisionGraph> = {
  // a -> b, x -> y
  twoBases: graphOf('a', 'a>b', 'x', 'x>y'),
  // Alembic's BranchedPathTest: a -> b -> c1 -> d1, b -> c2 -> d2
  branch: graphOf('a', 'a>b', 'b>c1', 'c1>d1', 'b>c2', 'c2>d2'),
  // a -> b1, a -> b2, m merges b1 and b2, n follows m
  merge: graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m', 'm>n'),
  // m1 merges b1 and b2, m2 merges m1 and c, x follows m2
  mergeOfMerges: graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m1', 'a>c', 'm1,c>m2', 'm2>x'),
  // Alembic's BranchFrom3WayMergepointTest: three roots, d1 merges c1, c2, c3; d2, d3 continue
  threeWay: graphOf('a1', 'a1>b1', 'b1>c1', 'a2', 'a2>b2', 'b2>c2', 'a3', 'a3>b3', 'b3>c3', 'c1,c2,c3>d1', 'c2>d2', 'c3>d3'),
}

const ALL3 = 'a1 b1 c1 a2 b2 c2 a3 b3 c3'

/**
 * [graph, applied (in applied order), target, expected]. expected: `= <applied set after>`;
 * `ambiguous <candidates> -> <targets>` (`?`: no explicit target that way); `range <available>/<requested>`.
 */
const CASES: [string, string, string, string][] = [
  // two bases
  ['twoBases', '', '+1', 'ambiguous a x -> a x'],
  ['twoBases', '', '+2', 'ambiguous a x -> b y'],
  ['twoBases', '', '+3', 'ambiguous a x -> ? ?'],
  ['twoBases', 'a', '+1', '= a b'],
  ['twoBases', 'a', '+2', 'range 1/2'],
  ['twoBases', 'a x', '+1', 'ambiguous a x -> b y'],
  ['twoBases', 'a b', '-2', '='],
  ['twoBases', 'a b', '-3', 'range 2/3'],
  ['twoBases', 'a b x', '-1', 'ambiguous b x -> a ?'],
  ['twoBases', '', '-1', 'range 0/1'],
  // branch point
  ['branch', '', '+1', '= a'],
  ['branch', '', '+2', '= a b'],
  ['branch', '', '+3', 'ambiguous c1 c2 -> c1 c2'],
  ['branch', 'a', '+3', 'ambiguous c1 c2 -> d1 d2'],
  ['branch', 'a b', '+1', 'ambiguous c1 c2 -> c1 c2'],
  ['branch', 'a b', '+2', 'ambiguous c1 c2 -> d1 d2'],
  ['branch', 'a b', '+3', 'ambiguous c1 c2 -> ? ?'],
  ['branch', 'a b c1', '+1', '= a b c1 d1'],
  ['branch', 'a b c1', '+2', 'range 1/2'],
  ['branch', 'a b c1 d1', '+1', 'range 0/1'],
  ['branch', 'a b c1', '-3', '='],
  ['branch', 'a b c1', '-1', '= a b'],
  // partial branches: both started, or one finished and the other started
  ['branch', 'a b c1 c2', '+1', 'ambiguous c1 c2 -> d1 d2'],
  ['branch', 'a b c1 c2', '-1', 'ambiguous c1 c2 -> ? ?'],
  ['branch', 'a b c1 d1 c2', '+1', 'ambiguous d1 c2 -> ? d2'],
  ['branch', 'a b c1 d1 c2', '-1', 'ambiguous d1 c2 -> c1 ?'],
  // several heads applied
  ['branch', 'a b c1 d1 c2 d2', '+1', 'ambiguous d1 d2 -> ? ?'],
  ['branch', 'a b c1 d1 c2 d2', '-1', 'ambiguous d1 d2 -> c1 c2'],
  ['branch', 'a b c2 d2 c1 d1', '-1', 'ambiguous d1 d2 -> c1 c2'],
  ['branch', 'a b c1 d1 c2 d2', '-2', 'ambiguous d1 d2 -> ? ?'],
  // merge
  ['merge', '', '+1', '= a'],
  ['merge', 'a', '+1', 'ambiguous b1 b2 -> b1 b2'],
  ['merge', 'a', '+2', 'ambiguous b1 b2 -> m m'],
  ['merge', 'a b1', '+1', '= a b1 b2 m'],
  ['merge', 'a b1', '+2', '= a b1 b2 m n'],
  ['merge', 'a b1 b2', '+1', 'ambiguous b1 b2 -> m m'],
  ['merge', 'a b1 b2 m', '+1', '= a b1 b2 m n'],
  ['merge', 'a b1 b2 m', '+2', 'range 1/2'],
  ['merge', 'a b1 b2 m n', '-1', '= a b1 b2 m'],
  ['merge', 'a b1 b2 m n', '-2', '= a b1 b2'],
  ['merge', 'a b2 b1 m', '-1', '= a b1 b2'],
  ['merge', 'a b1 b2 m n', '-3', 'ambiguous b1 b2 -> ? ?'],
  ['merge', 'a b1 b2', '-1', 'ambiguous b1 b2 -> ? ?'],
  // merge of merges
  ['mergeOfMerges', 'a', '+1', 'ambiguous b1 b2 c -> b1 b2 c'],
  ['mergeOfMerges', 'a b1 b2 m1', '+1', '= a b1 b2 m1 c m2'],
  ['mergeOfMerges', 'a b1 b2 m1 c', '+1', 'ambiguous m1 c -> m2 m2'],
  ['mergeOfMerges', 'a b1 b2 m1 c', '+2', 'ambiguous m1 c -> x x'],
  ['mergeOfMerges', 'a b1 b2 m1 c m2', '+2', 'range 1/2'],
  ['mergeOfMerges', 'a b1 b2 m1 c m2 x', '-2', '= a b1 b2 m1 c'],
  ['mergeOfMerges', 'a b1 b2 m1 c m2 x', '-3', 'ambiguous m1 c -> b1 ?'],
  ['mergeOfMerges', 'a b1 b2 m1', '-1', '= a b1 b2'],
  // 3-way merge
  ['threeWay', '', '+1', 'ambiguous a1 a2 a3 -> a1 a2 a3'],
  ['threeWay', '', '+4', 'ambiguous a1 a2 a3 -> d1 a2+3 a3+3'],
  ['threeWay', 'a1 b1 c1', '+1', `= ${ALL3} d1`],
  ['threeWay', 'a2 b2 c2', '+1', 'ambiguous d1 d2 -> d1 d2'],
  ['threeWay', ALL3, '+1', 'ambiguous c1 c2 c3 -> d1 c2+1 c3+1'],
  ['threeWay', `${ALL3} d1`, '-1', `= ${ALL3}`],
  ['threeWay', `${ALL3} d1`, '-2', 'ambiguous c1 c2 c3 -> b1 b2 b3'],
  ['threeWay', `${ALL3} d1 d2 d3`, '+1', 'ambiguous d1 d2 d3 -> ? ? ?'],
]

const ids = (text: string): string[] => (text === '' ? [] : text.split(' '))

function outcome(graph: RevisionGraph, applied: string[], target: string): string {
  const rows = appliedOf(...applied)
  try {
    const steps = plan(graph, rows, target, target.startsWith('-') ? 'down' : 'up')
    return `= ${stateAfter(graph, applied, steps, target).join(' ')}`.trimEnd()
  } catch (error) {
    if (error instanceof AmbiguousRelativeTarget) return `ambiguous ${error.candidates.join(' ')} -> ${error.targets.map((t) => t ?? '?').join(' ')}`
    if (error instanceof RelativeOutOfRange) return `range ${error.available}/${error.requested}`
    throw error
  }
}

for (const [name, applied, target, expected] of CASES) {
  const verb = target.startsWith('-') ? 'downgrade' : 'upgrade'
  test(`${name} [${applied}] ${verb} ${target}: ${expected}`, () => {
    const graph = GRAPHS[name] as RevisionGraph
    const normalised = expected.startsWith('=') ? `= ${graph.sortTopologically(ids(expected.slice(2))).join(' ')}`.trimEnd() : expected
    assert.is(outcome(graph, ids(applied), target), normalised)
  })
}

test('every ambiguous case and every case past the end plans nothing: the error comes first', () => {
  for (const [name, applied, target, expected] of CASES) {
    if (expected.startsWith('=')) continue
    const graph = GRAPHS[name] as RevisionGraph
    assert.throws(() => plan(graph, appliedOf(...ids(applied)), target, target.startsWith('-') ? 'down' : 'up'))
  }
})

test('each explicit target a hint names does what the relative target would have, for one branch', () => {
  for (const [name, applied, target, expected] of CASES) {
    const match = /^ambiguous .* -> (.*)$/.exec(expected)
    if (!match) continue
    const graph = GRAPHS[name] as RevisionGraph
    const down = target.startsWith('-')
    for (const explicit of (match[1] as string).split(' ').filter((t) => t !== '?' && !t.includes('+'))) {
      const rows = appliedOf(...ids(applied))
      const steps = plan(graph, rows, explicit, down ? 'down' : 'up')
      if (down) assert.is(steps.length, Number(target.slice(1)), `${name} [${applied}] downgrade ${explicit} undoes ${target.slice(1)}`)
      else assert.ok(steps.length >= Number(target.slice(1)), `${name} [${applied}] upgrade ${explicit}`)
    }
  }
})

test.run()
