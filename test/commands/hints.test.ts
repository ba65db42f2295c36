import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type HintCommand, hintFor, withHint } from '../../src/commands/hints.ts'
import { AmbiguousRelativeTarget, RelativeOutOfRange, RevisionError } from '../../src/errors.ts'
import { planDowngrade, planUpgrade } from '../../src/graph/plan.ts'
import { appliedOf, graphOf } from '../graph/build.ts'

const withRelativeHint = (error: unknown, command: HintCommand = (error as AmbiguousRelativeTarget).direction === 'down' ? 'downgrade' : 'upgrade') => withHint(error, { command })

const hintOf = (fn: () => unknown, command?: HintCommand): string | undefined => {
  try {
    fn()
  } catch (error) {
    const hinted = withRelativeHint(error, command) as RevisionError
    assert.instance(hinted, RevisionError)
    assert.is(hinted.message, (error as Error).message)
    return hinted.hint
  }
  assert.unreachable('expected an error')
}

const merge = graphOf('a', 'a>b1', 'a>b2', 'b1,b2>m')

test('hintFor() on ±N names each explicit target once, or says how to find one', () => {
  assert.is(hintOf(() => planUpgrade(merge, appliedOf('a', 'b1', 'b2'), '+1')), 'Name the revision to upgrade to: "sqlmig upgrade m"')
  assert.is(hintOf(() => planUpgrade(merge, appliedOf('a'), '+1')), 'Name the revision to upgrade to: "sqlmig upgrade b1" or "sqlmig upgrade b2"')
  assert.is(hintOf(() => planDowngrade(merge, appliedOf('a', 'b1', 'b2'), '-1')),
    'Name the revision to keep: "sqlmig downgrade <revision>" (run "sqlmig history" to see the branches)')
  assert.is(hintOf(() => planUpgrade(merge, appliedOf('a', 'b1', 'b2', 'm'), '+1')),
    'Run "sqlmig upgrade heads" to apply every pending revision, or "sqlmig history" to see the branches')
})

test('withHint() keeps the data and leaves other errors alone', () => {
  const e = new AmbiguousRelativeTarget('+1', 'up', ['x', 'y'], ['x', undefined], 'msg')
  const hinted = withRelativeHint(e) as AmbiguousRelativeTarget
  assert.equal([hinted.code, hinted.exitCode, hinted.candidates, hinted.targets, hinted.hint], ['AMBIGUOUS_RELATIVE', 2, ['x', 'y'], ['x', undefined], 'Name the revision to upgrade to: "sqlmig upgrade x"'])
  const r = withRelativeHint(new RelativeOutOfRange('-3', 'down', 3, 2, undefined, 'msg')) as RelativeOutOfRange
  assert.equal([r.code, r.requested, r.available, r.hint], ['RELATIVE_OUT_OF_RANGE', 3, 2, 'Run "sqlmig downgrade -2" (or "sqlmig downgrade base") to undo all of them'])
  const other = new RevisionError('CYCLE', 'x', { data: { revisions: ['a'] }, hint: 'kept' })
  assert.is(withRelativeHint(other), other)
  assert.is(other.hint, 'kept')
})

test.run()
