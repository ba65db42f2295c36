import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type HintCommand, hintFor, withHint } from '../../src/commands/hints.ts'
import { AmbiguousRelativeTarget, type ErrorDataMap, type OptionsArg, RelativeOutOfRange, RevisionError, SqlmigError } from '../../src/errors.ts'
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

const mk = <C extends 'MULTIPLE_HEADS' | 'APPLIED_REVISION_MISSING' | 'CHANGED_MIGRATION' | 'IRREVERSIBLE' | 'AMBIGUOUS_REVISION'>(code: C, data: ErrorDataMap[C]) =>
  new SqlmigError(code, 'msg', ...([{ data }] as unknown as OptionsArg<C>))

test('hintFor() words one condition for the command being run', () => {
  const heads = mk('MULTIPLE_HEADS', { heads: ['a2', 'b1'] })
  assert.equal((['upgrade', 'create', 'stamp', 'rehearse', 'downgrade'] as const).map((command) => hintFor(heads, { command, message: 'Add users' })), [
    'Join them with "sqlmig merge heads", or name one: "sqlmig upgrade a2" (or "sqlmig upgrade heads" for all of them)',
    'Join them with "sqlmig merge heads" first, or name the parent: "sqlmig create \'Add users\' --head a2"',
    'Name one: "sqlmig stamp a2", or "sqlmig stamp heads" for all of them',
    'Join them with "sqlmig merge heads", or name one: "sqlmig rehearse --revision a2" (or --revision heads for all of them)',
    'Join them with "sqlmig merge heads", or name one of them ("a2", "b1") instead of "head"',
  ])
  assert.is(hintFor(heads, { command: 'create', message: 'it\'s' }), 'Join them with "sqlmig merge heads" first, or name the parent: "sqlmig create <message> --head a2"')
  const missing = mk('APPLIED_REVISION_MISSING', { missing: ['x9'], kept: [] })
  assert.is(hintFor(missing, { command: 'current' }), 'Restore the migration files of "x9" (e.g. check out the newer code), or, if they were removed on purpose, forget them: "sqlmig stamp --purge base" records what the files define')
  assert.is(hintFor(missing, { command: 'stamp', stampTo: ['c1', 'z0'] }), 'Restore the migration files of "x9" (e.g. check out the newer code), or record the state without them: "sqlmig stamp --purge c1 z0"')
  const changed = mk('CHANGED_MIGRATION', { changed: [{ revision: 'a', file: 'a.up.sql' }] })
  assert.match(hintFor(changed, { command: 'upgrade' })!, 'run the command again with --allow-changed')
  assert.not.match(hintFor(changed, { command: 'current' })!, '--allow-changed', 'current has no --allow-changed')
  assert.is(hintFor(mk('IRREVERSIBLE', { revision: 'i2', reason: 'gone', at: ['i2'], undone: ['i1'] }), { command: 'downgrade' }),
    'The database is now at i2; undo "i2" by hand, then record that: "sqlmig stamp --purge i1"')
  const ambiguous = mk('AMBIGUOUS_REVISION', { text: 'a', matches: ['a1', 'a2', 'a3', 'a4'] })
  assert.is(hintFor(ambiguous, { command: 'show' }), 'Type more characters of the revision id: "sqlmig show a1", "sqlmig show a2" or "sqlmig show a3"')
  assert.is(hintFor(ambiguous, { command: 'downgrade' }), 'Type more characters of the revision id ("a1", "a2", "a3" ...)')
})

test('hintFor() on <revision>+N names the branches to follow with the command being run', () => {
  const graph = graphOf('a', 'a>b', 'b>c1', 'b>c2')
  assert.is(hintOf(() => planUpgrade(graph, appliedOf('a'), 'a+2'), 'upgrade'), 'Name the branch to follow instead: "sqlmig upgrade c1" or "sqlmig upgrade c2"')
  assert.is(hintOf(() => planUpgrade(graph, appliedOf('a'), 'a+3'), 'upgrade'), 'Name a revision on the branch to follow ("sqlmig history --offline" lists them)')
  assert.is(hintOf(() => planDowngrade(graph, appliedOf('a', 'b', 'c1'), 'a+2'), 'downgrade'), 'Name the branch to follow instead: "sqlmig downgrade c1" or "sqlmig downgrade c2"')
  assert.is(hintOf(() => planUpgrade(graph, appliedOf('a'), 'c1+1'), 'upgrade'), 'Use fewer steps, or run "sqlmig history --offline" to see the revisions')
  const longer = graphOf('a', 'a>b', 'b>c1', 'b>c2', 'c1>d1')
  assert.is(hintOf(() => planUpgrade(longer, appliedOf('a'), 'a+3'), 'upgrade'), 'Name the branch to follow instead: "sqlmig upgrade d1"', 'only the branch that has the steps')
  assert.is(hintOf(() => planUpgrade(graphOf('a', 'b', 'b>b2'), [], 'base+2'), 'upgrade'), 'Name the branch to follow instead: "sqlmig upgrade b2"')
})

test.run()
