import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RevisionGraph } from '../../src/graph/revision-graph.ts'
import { assertThrows, graphOf, nodesOf } from './build.ts'

test('RevisionGraph.from() accepts an empty list', () => {
  const graph = RevisionGraph.from([])
  assert.is(graph.size, 0)
  assert.equal(graph.heads(), [])
  assert.equal(graph.bases(), [])
  assert.equal(graph.topological(), [])
})

test('a linear chain comes out in order with one head and one base', () => {
  const graph = graphOf('a', 'a>b', 'b>c', 'c>d')
  assert.equal(graph.topological(), ['a', 'b', 'c', 'd'])
  assert.equal(graph.heads(), ['d'])
  assert.equal(graph.bases(), ['a'])
  assert.equal(graph.children('b'), ['c'])
  assert.equal(graph.parents('b'), ['a'])
  assert.equal(graph.branchPoints(), [])
  assert.is(graph.isMerge('d'), false)
  assert.is(graph.get('c')?.source, 'versions/c.up.sql')
  assert.is(graph.get('x'), undefined)
  assert.ok(graph.has('a'))
  assert.not.ok(graph.has('x'))
})

test('topological() orders a chain by its parents whatever createdAt and ids say', () => {
  const graph = RevisionGraph.from([
    { id: 'a3', parents: ['z2'], createdAt: '2020' },
    { id: 'm1', parents: [], createdAt: '2030' },
    { id: 'z2', parents: ['m1'], createdAt: '2010' },
  ])
  assert.equal(graph.topological(), ['m1', 'z2', 'a3'])
})

test('topological() picks ready siblings by createdAt, then id', () => {
  const graph = RevisionGraph.from([
    { id: 'root', parents: [] },
    { id: 'b', parents: ['root'], createdAt: '2026-02' },
    { id: 'a', parents: ['root'], createdAt: '2026-03' },
    { id: 'd', parents: ['root'], createdAt: '2026-01' },
    { id: 'c', parents: ['root'], createdAt: '2026-01' },
  ])
  assert.equal(graph.topological(), ['root', 'c', 'd', 'b', 'a'])
  assert.equal(graph.children('root'), ['c', 'd', 'b', 'a'])
  assert.equal(graph.sortTopologically(['a', 'root', 'c', 'a']), ['root', 'c', 'a'])
})

test('ancestors() and descendants() exclude the revision unless inclusive', () => {
  const graph = graphOf('a', 'a>b', 'b>c1', 'b>c2', 'c1>d1', 'c2>d2')
  assert.equal(graph.ancestors('d1'), ['a', 'b', 'c1'])
  assert.equal(graph.ancestors('d1', { inclusive: true }), ['a', 'b', 'c1', 'd1'])
  assert.equal(graph.ancestors('a'), [])
  assert.equal(graph.descendants('b'), ['c1', 'c2', 'd1', 'd2'])
  assert.equal(graph.descendants('c2', { inclusive: true }), ['c2', 'd2'])
  assert.equal(graph.heads(), ['d1', 'd2'])
  assert.equal(graph.branchPoints(), ['b'])
})

test('merges of merges: heads, bases, branch points and ancestry', () => {
  const graph = graphOf('a1', 'a2', 'a3', 'a1>b1', 'a1>b2', 'b1,b2>m1', 'm1,a2>m2', 'm2,a3>m3', 'm2>x')
  assert.equal(graph.bases(), ['a1', 'a2', 'a3'])
  assert.equal(graph.heads(), ['m3', 'x'])
  assert.equal(graph.branchPoints(), ['a1', 'm2'])
  assert.ok(graph.isMerge('m1'))
  assert.ok(graph.isMerge('m3'))
  assert.equal(graph.ancestors('m3'), ['a1', 'a2', 'a3', 'b1', 'b2', 'm1', 'm2'])
  assert.equal(graph.descendants('b2'), ['m1', 'm2', 'm3', 'x'])
  assert.equal(graph.topological(), ['a1', 'a2', 'a3', 'b1', 'b2', 'm1', 'm2', 'm3', 'x'])
})

test('RevisionGraph.from() rejects a revision defined twice, naming both files', () => {
  const nodes = nodesOf('a', 'a>b')
  nodes.push({ id: 'a', parents: [], source: 'versions/copy.up.sql', line: 3 })
  assertThrows(() => RevisionGraph.from(nodes), {
    name: 'InvalidMigrationError',
    code: 'DUPLICATE_REVISION',
    message: 'Revision "a" is defined twice: in "versions/a.up.sql", "versions/copy.up.sql"',
    worded: 'Give one of the two files a new revision id (and update the down_revision that should point to it)',
    data: { revision: 'a', files: ['versions/a.up.sql', 'versions/copy.up.sql'] },
    location: { file: 'versions/copy.up.sql', line: 3 },
  })
})

test('RevisionGraph.from() rejects a missing parent with the file, line and similar ids', () => {
  assertThrows(() => graphOf('ab12cd34ef56', 'ab12cd34ef56>b', 'ab12cd>c'), {
    name: 'InvalidMigrationError',
    code: 'MISSING_PARENT',
    message: 'Revision "c" names down_revision "ab12cd", which does not exist',
    worded: 'Fix down_revision (similar revisions: "ab12cd34ef56")',
    data: { revision: 'c', parent: 'ab12cd', similar: ['ab12cd34ef56'], existing: ['ab12cd34ef56', 'b'] },
    location: { file: 'versions/c.up.sql', line: 2 },
  })
})

test('a missing parent with nothing similar lists the existing revisions', () => {
  assertThrows(() => graphOf('a', 'a>b', 'b>c', 'c>d', 'd>e', 'e>f', 'f>g', 'zz>h'), {
    name: 'InvalidMigrationError',
    code: 'MISSING_PARENT',
    message: 'Revision "h" names down_revision "zz", which does not exist',
    worded: 'Fix down_revision (existing revisions: "a", "b", "c", "d", "e" and 2 more)',
    data: { revision: 'h', parent: 'zz', similar: [], existing: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
    location: { file: 'versions/h.up.sql', line: 2 },
  })
  assertThrows(() => RevisionGraph.from([{ id: 'only', parents: ['gone'] }]), {
    name: 'InvalidMigrationError',
    code: 'MISSING_PARENT',
    message: 'Revision "only" names down_revision "gone", which does not exist',
    worded: 'Fix down_revision (no other revision exists; remove down_revision to make it a base)',
    data: { revision: 'only', parent: 'gone', similar: [], existing: [] },
  })
})

test('RevisionGraph.from() names the revisions of a cycle', () => {
  assertThrows(() => graphOf('a', 'a,d>b', 'b>c', 'c>d'), {
    name: 'InvalidMigrationError',
    code: 'CYCLE',
    message: 'Revisions form a cycle through down_revision: "b" -> "d" -> "c" -> "b"',
    worded: 'Fix down_revision in one of these files so the chain ends at a base revision',
    data: { revisions: ['b', 'd', 'c'] },
    location: { file: 'versions/b.up.sql', line: 2 },
  })
})

test('a revision that is its own parent is a cycle; so is a graph without a base', () => {
  assertThrows(() => graphOf('a', 'x>x'), {
    name: 'InvalidMigrationError',
    code: 'CYCLE',
    message: 'Revisions form a cycle through down_revision: "x" -> "x"',
    data: { revisions: ['x'] },
    location: { file: 'versions/x.up.sql', line: 2 },
  })
  assertThrows(() => graphOf('q>p', 'p>q'), {
    name: 'InvalidMigrationError',
    code: 'CYCLE',
    message: 'Revisions form a cycle through down_revision: "p" -> "q" -> "p"',
    data: { revisions: ['p', 'q'] },
    location: { file: 'versions/p.up.sql', line: 2 },
  })
})

test('RevisionGraph.from() rejects bad and reserved ids and repeated parents', () => {
  assertThrows(() => RevisionGraph.from([{ id: 'a b', parents: [], source: 'x.up.sql' }]), {
    name: 'InvalidMigrationError',
    code: 'INVALID_REVISION_ID',
    message: 'Revision id "a b" may contain only letters, digits, "_" and "-"',
    worded: 'Change the revision id (sqlmig create makes 12 hex digits)',
    data: { revision: 'a b', reason: 'characters', reserved: ['head', 'heads', 'base'] },
    location: { file: 'x.up.sql', line: undefined },
  })
  assertThrows(() => graphOf('head'), {
    name: 'InvalidMigrationError',
    code: 'INVALID_REVISION_ID',
    message: 'Revision id "head" is a reserved word',
    worded: 'Change the revision id: "head", "heads", "base" name targets',
    data: { revision: 'head', reason: 'reserved', reserved: ['head', 'heads', 'base'] },
    location: { file: 'versions/head.up.sql', line: 2 },
  })
  assertThrows(() => graphOf('a', 'a,a>b'), {
    name: 'InvalidMigrationError',
    code: 'DUPLICATE_PARENT',
    message: 'Revision "b" names down_revision "a" twice',
    worded: 'Remove the repeated id from down_revision',
    data: { revision: 'b', parent: 'a' },
    location: { file: 'versions/b.up.sql', line: 2 },
  })
})

test('node() and ancestry questions about an unknown id throw UNKNOWN_REVISION', () => {
  const graph = graphOf('a')
  for (const fn of [() => graph.node('x'), () => graph.children('x'), () => graph.ancestors('x'), () => graph.rank('x')]) {
    assertThrows(fn, { name: 'RevisionError', code: 'UNKNOWN_REVISION', message: 'No revision matches "x"', data: { text: 'x' }, worded: 'Run "sqlmig history --offline" to see the revisions' })
  }
})

test.run()
