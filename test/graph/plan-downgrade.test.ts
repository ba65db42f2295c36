import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { planDowngrade } from '../../src/graph/plan.ts'
import { appliedOf, assertPlan, assertThrows, graphOf } from './build.ts'

const down = (graph: ReturnType<typeof graphOf>, applied: string[], target: string, steps: string, state: string) =>
  assertPlan(graph, applied, target, 'down', steps, state)

// Alembic's RevisionPathTest: a -> b -> c -> d -> e
const linear = graphOf('a', 'a>b', 'b>c', 'c>d', 'd>e')

test('downgrade to a revision keeps it and undoes what came after, newest first', () => {
  down(linear, ['a', 'b', 'c', 'd', 'e'], 'c', '-e -d', 'a b c')
  down(linear, ['a', 'b', 'c'], 'base', '-c -b -a', '')
  down(linear, [], 'base', '', '')
})

test('downgrade to the current revision, or to one below it with nothing above, plans nothing', () => {
  down(linear, ['a'], 'a', '', 'a')
  down(linear, ['a', 'b', 'c', 'd', 'e'], 'e', '', 'a b c d e')
})

test('downgrade -N and <revision>±N', () => {
  down(linear, ['a', 'b', 'c'], '-1', '-c', 'a b')
  down(linear, ['a', 'b', 'c', 'd', 'e'], '-3', '-e -d -c', 'a b')
  down(linear, ['a', 'b', 'c', 'd'], 'a+2', '-d', 'a b c')
  down(linear, ['a', 'b', 'c', 'd'], 'c-2', '-d -c -b', 'a')
  down(linear, ['a'], '-1', '-a', '')
  down(linear, ['a', 'b', 'c', 'd'], 'base+2', '-d -c', 'a b')
})

test('downgrade -N beyond the applied revisions says how many there are', () => {
  assertThrows(() => planDowngrade(linear, appliedOf('a', 'b'), '-5'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot downgrade by "-5": only 2 revisions are applied',
  })
  assertThrows(() => planDowngrade(linear, appliedOf('a'), '-2'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot downgrade by "-2": only 1 revision is applied',
  })
  assertThrows(() => planDowngrade(linear, [], '-1'), {
    name: 'RelativeOutOfRange',
    code: 'RELATIVE_OUT_OF_RANGE',
    message: 'Cannot downgrade by "-1": no revision is applied',
  })
})

test('downgrade to a revision that is not applied fails', () => {
  assertThrows(() => planDowngrade(linear, appliedOf('a', 'b'), 'd'), {
    name: 'RevisionError',
    code: 'NOT_APPLIED',
    message: 'Cannot downgrade to "d": it is not applied',
    data: { revision: 'd' },
    command: 'downgrade',
    worded: 'Run "sqlmig upgrade d" to apply it, or "sqlmig current" to see what is applied',
  })
})

// Alembic's BranchedPathTest: a -> b -> c1 -> d1, b -> c2 -> d2
const branched = graphOf('a', 'a>b', 'b>c1', 'c1>d1', 'b>c2', 'c2>d2')

test('downgrade to a branch point undoes both branches in reverse applied order', () => {
  down(branched, ['a', 'b', 'c1', 'd1', 'c2', 'd2'], 'a', '-d2 -c2 -d1 -c1 -b', 'a')
  down(branched, ['a', 'b', 'c2', 'c1', 'd2', 'd1'], 'b', '-d1 -d2 -c1 -c2', 'a b')
})

test('downgrade within one branch leaves the other applied', () => {
  down(branched, ['a', 'b', 'c1', 'd1', 'c2', 'd2'], 'c2', '-d2', 'a b c1 d1 c2')
  down(branched, ['a', 'b', 'c1', 'd1', 'c2', 'd2'], 'd2-2', '-d2 -c2 -d1 -c1', 'a b')
  down(branched, ['a', 'b', 'c1', 'd1', 'c2'], 'c2', '', 'a b c1 d1 c2')
  down(branched, ['a', 'b', 'c1', 'd1', 'c2'], 'd1', '', 'a b c1 d1 c2')
})

test('downgrade -1 with two current heads is ambiguous, whatever was applied last', () => {
  assertThrows(() => planDowngrade(branched, appliedOf('a', 'b', 'c1', 'd1', 'c2', 'd2'), '-1'), {
    name: 'AmbiguousRelativeTarget',
    code: 'AMBIGUOUS_RELATIVE',
    message: 'Cannot downgrade by "-1": 2 revisions are current ("d1", "d2")',
  })
  down(branched, ['a', 'b', 'c1', 'd1'], '-2', '-d1 -c1', 'a b')
})

// a -> b1, a -> b2, m merges b1 and b2, n follows m
const merged = graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m', 'm>n')

test('downgrading a merge makes both of its parents current again', () => {
  down(merged, ['a', 'b1', 'b2', 'm', 'n'], 'b1', '-n -m', 'a b1 b2')
  down(merged, ['a', 'b1', 'b2', 'm', 'n'], '-2', '-n -m', 'a b1 b2')
  down(merged, ['a', 'b2', 'b1', 'm'], '-1', '-m', 'a b1 b2')
  assertThrows(() => planDowngrade(merged, appliedOf('a', 'b2', 'b1', 'm'), '-2'), {
    name: 'AmbiguousRelativeTarget',
    code: 'AMBIGUOUS_RELATIVE',
    message: 'Cannot downgrade by "-2": after undoing "m", 2 revisions are current ("b1", "b2")',
  })
})

test('downgrade to one side of a merge undoes the other side only after the merge', () => {
  down(merged, ['a', 'b1', 'b2', 'm'], 'a', '-m -b2 -b1', 'a')
  assertThrows(() => planDowngrade(merged, appliedOf('a', 'b1', 'b2', 'm'), 'm-1'), {
    name: 'AmbiguousRelativeTarget',
    code: 'AMBIGUOUS_RELATIVE',
    message: 'Cannot resolve "m-1": "m" is a merge of 2 revisions ("b1", "b2")',
    command: 'downgrade',
    worded: 'Name the branch to follow instead: "sqlmig downgrade b1" or "sqlmig downgrade b2"',
  })
})

test('downgrade in a merge of merges', () => {
  const graph = graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m1', 'a>c', 'm1,c>m2', 'm2>x')
  down(graph, ['a', 'b1', 'b2', 'm1', 'c', 'm2', 'x'], 'c', '-x -m2', 'a b1 b2 m1 c')
  down(graph, ['a', 'b1', 'b2', 'm1', 'c', 'm2', 'x'], 'b2', '-x -m2 -m1', 'a b1 b2 c')
  down(graph, ['a', 'b1', 'b2', 'm1', 'c', 'm2', 'x'], 'base', '-x -m2 -c -m1 -b2 -b1 -a', '')
})

test('undo order puts children first even when a stamp recorded them out of order', () => {
  const rows = [{ id: 'a', order: 1 }, { id: 'c', order: 2 }, { id: 'b', order: 3 }]
  assert.equal(planDowngrade(linear, rows, 'base').map((s) => s.revision), ['c', 'b', 'a'])
  assert.equal(planDowngrade(linear, rows, '-1').map((s) => s.revision), ['c'])
})

test('downgrade to several revisions keeps all of them', () => {
  const steps = planDowngrade(branched, appliedOf('a', 'b', 'c1', 'd1', 'c2', 'd2'), { kind: 'revisions', ids: ['c1', 'c2'] })
  assert.equal(steps.map((s) => `${s.direction} ${s.revision}`), ['down d2', 'down d1'])
})

test.run()
