import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkApplied, currentHeads, inconsistencies } from '../../src/graph/applied-revision.ts'
import { appliedOf, assertThrows, graphOf } from './build.ts'

const branched = graphOf('a', 'a>b', 'b>c1', 'c1>d1', 'b>c2', 'c2>d2')

test('currentHeads() lists applied revisions nothing applied builds on', () => {
  assert.equal(currentHeads(branched, []), [])
  assert.equal(currentHeads(branched, appliedOf('a', 'b')), ['b'])
  assert.equal(currentHeads(branched, appliedOf('a', 'b', 'c2', 'c1', 'd1')), ['d1', 'c2'])
})

test('checkApplied() names applied revisions without a file', () => {
  checkApplied(branched, appliedOf('a', 'b'))
  assertThrows(() => checkApplied(branched, appliedOf('a', 'x1', 'x2', 'x1')), {
    name: 'StateError',
    code: 'APPLIED_REVISION_MISSING',
    message: '2 revisions are applied to the database but have no migration file: "x1", "x2"',
    data: { missing: ['x1', 'x2'], kept: ['a'] },
    command: 'upgrade',
    worded: 'Restore the migration files of "x1", "x2" (e.g. check out the newer code), or, if they were removed on purpose, forget them: "sqlmig stamp --purge a" records what the files define',
  })
})

test('inconsistencies() reports unapplied parents and parents applied later', () => {
  assert.equal(inconsistencies(branched, appliedOf('a', 'b', 'c1')), [])
  assert.equal(inconsistencies(branched, appliedOf('a', 'c1', 'd2')), [
    { kind: 'unapplied-parent', revision: 'c1', parent: 'b' },
    { kind: 'unapplied-parent', revision: 'd2', parent: 'c2' },
  ])
  assert.equal(inconsistencies(branched, [{ id: 'b', order: 1 }, { id: 'a', order: 2 }]), [
    { kind: 'applied-before-parent', revision: 'b', parent: 'a' },
  ])
})

test.run()
