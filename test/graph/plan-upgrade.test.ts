import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { planUpgrade } from '../../src/graph/plan.ts'
import { appliedOf, assertPlan, assertThrows, graphOf } from './build.ts'

const up = (graph: ReturnType<typeof graphOf>, applied: string[], target: string, steps: string, state: string) =>
  assertPlan(graph, applied, target, 'up', steps, state)

// Alembic's RevisionPathTest: a -> b -> c -> d -> e
const linear = graphOf('a', 'a>b', 'b>c', 'c>d', 'd>e')

test('upgrade to a revision applies the missing part of its chain', () => {
  up(linear, ['a', 'b', 'c'], 'e', '+d +e', 'a b c d e')
  up(linear, [], 'c', '+a +b +c', 'a b c')
  up(linear, [], 'head', '+a +b +c +d +e', 'a b c d e')
  up(linear, [], 'heads', '+a +b +c +d +e', 'a b c d e')
})

test('upgrade to an applied revision, or with nothing pending, plans nothing', () => {
  up(linear, ['a', 'b', 'c'], 'b', '', 'a b c')
  up(linear, ['a', 'b', 'c', 'd', 'e'], 'head', '', 'a b c d e')
  up(linear, ['a'], '+0', '', 'a')
})

test('upgrade +N and <revision>+N move along the chain', () => {
  up(linear, ['a'], '+2', '+b +c', 'a b c')
  up(linear, ['a'], '+1', '+b', 'a b')
  up(linear, ['a', 'b'], '+3', '+c +d +e', 'a b c d e')
  up(linear, [], '+1', '+a', 'a')
  up(linear, ['a'], 'b+2', '+b +c +d', 'a b c d')
  up(linear, ['a'], 'd-2', '+b', 'a b')
  up(linear, ['a'], 'head-1', '+b +c +d', 'a b c d')
})

test('upgrade +N beyond the head says how many steps there are, and plans nothing', () => {
  assertThrows(() => planUpgrade(linear, appliedOf('a', 'b'), '+5'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot upgrade by "+5": "e" is a head, 3 steps from "b"',
  })
  assertThrows(() => planUpgrade(linear, appliedOf('a', 'b', 'c', 'd'), '+2'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot upgrade by "+2": "e" is a head, 1 step from "d"',
  })
  assertThrows(() => planUpgrade(linear, appliedOf('a', 'b', 'c', 'd', 'e'), '+1'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot upgrade by "+1": "e" is a head, nothing follows it',
  })
  assertThrows(() => planUpgrade(linear, [], '+6'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot upgrade by "+6": "e" is a head, 5 steps from base',
  })
})

// Alembic's BranchedPathTest: a -> b -> c1 -> d1, b -> c2 -> d2
const branched = graphOf('a', 'a>b', 'b>c1', 'c1>d1', 'b>c2', 'c2>d2')

test('upgrade along one branch leaves the other alone', () => {
  up(branched, ['a', 'b'], 'd1', '+c1 +d1', 'a b c1 d1')
  up(branched, ['a', 'b', 'c1', 'd1'], 'd2', '+c2 +d2', 'a b c1 d1 c2 d2')
  up(branched, ['a', 'b'], 'c2', '+c2', 'a b c2')
})

test('upgrade heads applies every branch, oldest first', () => {
  up(branched, ['a'], 'heads', '+b +c1 +d1 +c2 +d2', 'a b c1 d1 c2 d2')
  up(branched, ['a', 'b', 'c2'], 'heads', '+c1 +d1 +d2', 'a b c1 d1 c2 d2')
})

test('upgrade head with several heads lists them', () => {
  assertThrows(() => planUpgrade(branched, appliedOf('a'), 'head'), {
    name: 'RevisionError',
    code: 'MULTIPLE_HEADS',
    message: '"head" is ambiguous: there are 2 heads ("d1", "d2")',
    data: { heads: ['d1', 'd2'] },
    command: 'upgrade',
    worded: 'Join them with "sqlmig merge heads", or name one: "sqlmig upgrade d1" (or "sqlmig upgrade heads" for all of them)',
  })
})

test('upgrade +N follows the one current revision up to a branch point, and along a branch', () => {
  up(branched, [], '+2', '+a +b', 'a b')
  up(branched, ['a', 'b', 'c1'], '+1', '+d1', 'a b c1 d1')
})

test('upgrade +N past a branch point is ambiguous', () => {
  assertThrows(() => planUpgrade(branched, appliedOf('a'), '+2'), {
    name: 'AmbiguousRelativeTarget',
    code: 'AMBIGUOUS_RELATIVE',
    message: 'Cannot upgrade by "+2": "b" has 2 children ("c1", "c2")',
  })
})

test('upgrade <revision>+N through a branch point is ambiguous, along a branch it is not', () => {
  up(branched, ['a'], 'c2+1', '+b +c2 +d2', 'a b c2 d2')
  assertThrows(() => planUpgrade(branched, appliedOf('a'), 'a+2'), {
    name: 'AmbiguousRelativeTarget',
    code: 'AMBIGUOUS_RELATIVE',
    message: 'Cannot resolve "a+2": "b" has 2 children ("c1", "c2")',
    command: 'upgrade',
    worded: 'Name the branch to follow instead: "sqlmig upgrade c1" or "sqlmig upgrade c2"',
  })
})

// Alembic's BranchFrom3WayMergepointTest: three roots, d1 merges c1, c2, c3; d2, d3 continue
const threeWay = graphOf('a1', 'a1>b1', 'b1>c1', 'a2', 'a2>b2', 'b2>c2', 'a3', 'a3>b3', 'b3>c3', 'c1,c2,c3>d1', 'c2>d2', 'c3>d3')

test('upgrade to a merge applies only the sides it still needs', () => {
  const applied = ['a1', 'b1', 'a2', 'b2', 'c2', 'd2', 'a3', 'b3', 'c3', 'd3']
  up(threeWay, applied, 'd1', '+c1 +d1', 'a1 b1 c1 a2 b2 c2 a3 b3 c3 d1 d2 d3')
  up(threeWay, ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'c3', 'd3'], 'd1', '+c1 +c2 +d1', 'a1 b1 c1 a2 b2 c2 a3 b3 c3 d1 d3')
  up(threeWay, [], 'd3', '+a3 +b3 +c3 +d3', 'a3 b3 c3 d3')
})

test('upgrade +N onto a merge applies its other unapplied parents too, as upgrade <merge> does', () => {
  const diamond = graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m')
  up(diamond, ['a', 'b1'], '+1', '+b2 +m', 'a b1 b2 m')
  up(diamond, ['a', 'b2'], 'head', '+b1 +m', 'a b1 b2 m')
})

test('upgrade applies parents an inconsistent state is missing', () => {
  up(linear, ['a', 'c'], 'd', '+b +d', 'a b c d')
  up(linear, ['c'], 'heads', '+a +b +d +e', 'a b c d e')
})

test('upgrade from a state with an unknown applied revision fails', () => {
  assertThrows(() => planUpgrade(linear, appliedOf('a', 'zz'), 'head'), {
    name: 'StateError',
    code: 'APPLIED_REVISION_MISSING',
    message: 'Revision "zz" is applied to the database but has no migration file',
    data: { missing: ['zz'], kept: ['a'] },
  })
})

test('planUpgrade() takes a parsed target too and checks its direction', () => {
  assert.equal(planUpgrade(linear, appliedOf('a'), { kind: 'revisions', ids: ['b', 'c'] }).map((s) => s.revision), ['b', 'c'])
  assertThrows(() => planUpgrade(linear, [], { kind: 'base' }), {
    name: 'RevisionError',
    code: 'INVALID_TARGET',
    message: 'Cannot upgrade to "base"',
    data: { text: 'base', direction: 'up', reason: 'base-up' },
    worded: 'Run "sqlmig downgrade base" to undo every revision',
  })
})

test.run()
