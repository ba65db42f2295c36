import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatTarget, parseTarget, resolveHead, resolveRelative, resolveRevision, resolveTarget } from '../../src/graph/resolve.ts'
import { RevisionGraph } from '../../src/graph/revision-graph.ts'
import { assertThrows, graphOf } from './build.ts'

const revisionError = (code: string, message: string, data?: unknown) => ({ name: 'RevisionError', code, message, data })
const relativeError = (code: 'AMBIGUOUS_RELATIVE' | 'RELATIVE_OUT_OF_RANGE', message: string) =>
  ({ name: code === 'AMBIGUOUS_RELATIVE' ? 'AmbiguousRelativeTarget' : 'RelativeOutOfRange', code, message })

test('parseTarget() reads every target form', () => {
  assert.equal(parseTarget('head', 'up'), { kind: 'head' })
  assert.equal(parseTarget('heads', 'up'), { kind: 'heads' })
  assert.equal(parseTarget(' base ', 'down'), { kind: 'base' })
  assert.equal(parseTarget('ab12', 'up'), { kind: 'revisions', ids: ['ab12'] })
  assert.equal(parseTarget('+2', 'up'), { kind: 'relative', steps: 2, text: '+2' })
  assert.equal(parseTarget('-3', 'down'), { kind: 'relative', steps: -3, text: '-3' })
  assert.equal(parseTarget('ab12+2', 'up'), { kind: 'relative', from: 'ab12', steps: 2, text: 'ab12+2' })
  assert.equal(parseTarget('my-rev-1', 'down'), { kind: 'relative', from: 'my-rev', steps: -1, text: 'my-rev-1' })
  assert.equal(parseTarget('head-1', 'up'), { kind: 'relative', from: 'head', steps: -1, text: 'head-1' })
})

test('formatTarget() gives back the text', () => {
  for (const text of ['head', 'heads', 'base', 'ab12', '+2', '-3', 'ab12+2', 'x-1']) {
    assert.is(formatTarget(parseTarget(text, text.startsWith('-') || text === 'base' ? 'down' : 'up')), text)
  }
  assert.is(formatTarget({ kind: 'relative', steps: -2, from: 'a' }), 'a-2')
  assert.is(formatTarget({ kind: 'revisions', ids: ['a', 'b'] }), 'a b')
})

test('parseTarget() rejects text that is no target', () => {
  const data = (text: string) => ({ text, direction: 'up', reason: 'unreadable' })
  assertThrows(() => parseTarget('a.b', 'up'), revisionError('INVALID_TARGET', 'Cannot read "a.b" as a revision', data('a.b')))
  assertThrows(() => parseTarget('', 'up'), revisionError('INVALID_TARGET', 'Cannot read "" as a revision', data('')))
  assertThrows(() => parseTarget('+x', 'up'), revisionError('INVALID_TARGET', 'Cannot read "+x" as a revision', data('+x')))
})

test('parseTarget() rejects targets that only make sense in the other direction', () => {
  assertThrows(() => parseTarget('base', 'up'),
    revisionError('INVALID_TARGET', 'Cannot upgrade to "base"', { text: 'base', direction: 'up', reason: 'base-up' }))
  assertThrows(() => parseTarget('-1', 'up'),
    revisionError('INVALID_TARGET', 'Cannot upgrade by "-1"', { text: '-1', direction: 'up', reason: 'wrong-sign' }))
  assertThrows(() => parseTarget('+2', 'down'),
    revisionError('INVALID_TARGET', 'Cannot downgrade by "+2"', { text: '+2', direction: 'down', reason: 'wrong-sign' }))
  assertThrows(() => parseTarget('-0', 'up'),
    revisionError('INVALID_TARGET', 'Cannot upgrade by "-0"', { text: '-0', direction: 'up', reason: 'wrong-sign' }))
  assertThrows(() => parseTarget('head', 'down'), revisionError('INVALID_TARGET', 'Cannot downgrade to "head"',
    { text: 'head', direction: 'down', reason: 'head-down' }))
  assertThrows(() => parseTarget('heads', 'down'), revisionError('INVALID_TARGET', 'Cannot downgrade to "heads"',
    { text: 'heads', direction: 'down', reason: 'head-down' }))
})

const ids = graphOf('ab12cd34ef56', 'ab12cd34ef56>ab99', 'ab99>c0ffee', 'c0ffee>c0ffee00')

test('resolveRevision() takes a full id or a unique prefix of any length', () => {
  assert.is(resolveRevision(ids, 'ab12cd34ef56'), 'ab12cd34ef56')
  assert.is(resolveRevision(ids, 'ab1'), 'ab12cd34ef56')
  assert.is(resolveRevision(ids, 'ab9'), 'ab99')
  assert.is(resolveRevision(ids, 'c0ffee'), 'c0ffee', 'a full id wins over longer ids it starts')
  assert.is(resolveRevision(ids, 'c0ffee0'), 'c0ffee00')
})

test('resolveRevision() lists the candidates of an ambiguous prefix', () => {
  assertThrows(() => resolveRevision(ids, 'ab'),
    revisionError('AMBIGUOUS_REVISION', 'Revision "ab" is ambiguous: it matches "ab12cd34ef56", "ab99"', { text: 'ab', matches: ['ab12cd34ef56', 'ab99'] }))
  const many = RevisionGraph.from(Array.from({ length: 12 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, parents: i === 0 ? [] : [`r${String(i - 1).padStart(2, '0')}`] })))
  assertThrows(() => resolveRevision(many, 'r'), revisionError('AMBIGUOUS_REVISION',
    'Revision "r" is ambiguous: it matches "r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09" and 2 more', { text: 'r', matches: Array.from({ length: 12 }, (_, i) => `r${String(i).padStart(2, '0')}`) }))
})

test('resolveRevision() rejects an unknown revision', () => {
  assertThrows(() => resolveRevision(ids, 'dead'), revisionError('UNKNOWN_REVISION', 'No revision matches "dead"', { text: 'dead' }))
})

test('resolveHead() gives the one head, or lists several', () => {
  assert.is(resolveHead(ids), 'c0ffee00')
  assertThrows(() => resolveHead(graphOf('a', 'a>b1', 'a>b2', 'a>b3')), revisionError('MULTIPLE_HEADS', '"head" is ambiguous: there are 3 heads ("b1", "b2", "b3")', { heads: ['b1', 'b2', 'b3'] }))
  assertThrows(() => resolveHead(RevisionGraph.from([])), revisionError('NO_REVISIONS', 'There are no revisions'))
})

const branched = graphOf('a', 'a>b', 'b>c1', 'c1>d1', 'b>c2', 'c2>d2', 'd1,d2>m', 'm>n')

test('resolveRelative() walks children forward and parents back', () => {
  assert.is(resolveRelative(branched, 'a', 1, 'a+1'), 'b')
  assert.is(resolveRelative(branched, 'c1', 3, 'c1+3'), 'n', 'a merge has one child')
  assert.is(resolveRelative(branched, 'd2', -2, 'd2-2'), 'b')
  assert.is(resolveRelative(branched, 'b', 0, 'b+0'), 'b')
})

test('resolveRelative() stops at a branch point, a merge, a head and a base', () => {
  assertThrows(() => resolveRelative(branched, 'a', 3, 'a+3'), relativeError('AMBIGUOUS_RELATIVE',
    'Cannot resolve "a+3": "b" has 2 children ("c1", "c2")'))
  assertThrows(() => resolveRelative(branched, 'a', 2, 'a+2'), relativeError('AMBIGUOUS_RELATIVE',
    'Cannot resolve "a+2": "b" has 2 children ("c1", "c2")'))
  assertThrows(() => resolveRelative(branched, 'n', -2, 'n-2'), relativeError('AMBIGUOUS_RELATIVE',
    'Cannot resolve "n-2": "m" is a merge of 2 revisions ("d1", "d2")'))
  assertThrows(() => resolveRelative(branched, 'm', 2, 'm+2'), relativeError('RELATIVE_OUT_OF_RANGE',
    'Cannot resolve "m+2": "n" is a head, 1 step from "m"'))
  assertThrows(() => resolveRelative(branched, 'b', -3, 'b-3'), relativeError('RELATIVE_OUT_OF_RANGE',
    'Cannot resolve "b-3": "a" is a base, 1 step from "b"'))
})

test('resolveTarget() looks up ids, head, head-N, base+N and <prefix>+N', () => {
  const chain = graphOf('aa1', 'aa1>bb2', 'bb2>cc3', 'cc3>dd4')
  assert.equal(resolveTarget(chain, parseTarget('head', 'up')), { kind: 'revisions', ids: ['dd4'] })
  assert.equal(resolveTarget(chain, parseTarget('head-1', 'up')), { kind: 'revisions', ids: ['cc3'] })
  assert.equal(resolveTarget(chain, parseTarget('base+2', 'down')), { kind: 'revisions', ids: ['bb2'] })
  assert.equal(resolveTarget(chain, parseTarget('base+0', 'down')), { kind: 'base' })
  assert.equal(resolveTarget(chain, parseTarget('b+2', 'up')), { kind: 'revisions', ids: ['dd4'] })
  assert.equal(resolveTarget(chain, parseTarget('c', 'up')), { kind: 'revisions', ids: ['cc3'] })
  assert.equal(resolveTarget(chain, parseTarget('+2', 'up')), { kind: 'relative', steps: 2 })
  assert.equal(resolveTarget(chain, parseTarget('heads', 'up')), { kind: 'heads' })
})

test('resolveTarget() prefers a revision id containing "-N" over a relative move', () => {
  const graph = graphOf('rev', 'rev>rev-1', 'rev-1>x')
  assert.equal(resolveTarget(graph, parseTarget('rev-1', 'down')), { kind: 'revisions', ids: ['rev-1'] })
  assert.equal(resolveTarget(graph, parseTarget('x-2', 'down')), { kind: 'revisions', ids: ['rev'] })
})

test('resolveTarget() rejects base+N with several bases or counting back', () => {
  assertThrows(() => resolveTarget(graphOf('a', 'b'), parseTarget('base+2', 'down')), relativeError('AMBIGUOUS_RELATIVE',
    'Cannot resolve "base+2": there are 2 bases ("a", "b")'))
  assertThrows(() => resolveTarget(graphOf('a'), parseTarget('base-1', 'down')), relativeError('RELATIVE_OUT_OF_RANGE',
    'Cannot resolve "base-1": there is nothing before "base"'))
})

test.run()
