/**
 * The pieces behind "a file's statements in one message": batching and mapping a server error
 * position back to a statement (statement-batches.ts), and reading the statement count off the
 * protocol stream however the bytes are cut into chunks (wire-tap.ts).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { joinStatements, locateInBatch } from '../../src/db/statement-batches.ts'
import { WireTap } from '../../src/db/wire-tap.ts'

test('statements are joined on separator lines, 200 to a message', () => {
  const texts = Array.from({ length: 450 }, (_, i) => `select ${i} -- a comment that must not swallow the separator`)
  const batches = joinStatements(texts)
  assert.equal(batches.map((b) => [b.first, b.starts.length - 1]), [[0, 200], [200, 200], [400, 50]])
  assert.is(batches[1]!.text.split('\n;\n')[0], texts[200])
})

test('a message stays near 1 MB; a larger statement goes alone', () => {
  const big = `select '${'x'.repeat(700_000)}'`
  const batches = joinStatements([big, big, 'select 1', big])
  assert.equal(batches.map((b) => b.first), [0, 1, 3])
})

test('a server position maps to its statement and to the position within it, counting code points', () => {
  const texts = [`select '😀😀'`, 'select 1', 'select nosuch']
  const [batch] = joinStatements(texts)
  // The server counts characters: "select '😀😀'" is 11 of them (13 UTF-16 units), then "\n;\n".
  const inThird = [...`select '😀😀'\n;\nselect 1\n;\nselect `].length + 1
  assert.equal(locateInBatch(batch!, inThird), { index: 2, position: 8 })
  assert.equal(locateInBatch(batch!, 1), { index: 0, position: 1 })
  // In the separator after the first statement: one past its end.
  assert.equal(locateInBatch(batch!, 14), { index: 0, position: 12 })
})

/** Protocol messages: type byte, int32 length (itself included), body. */
function message(type: string, body = ''): Uint8Array {
  const b = new TextEncoder().encode(body)
  const out = new Uint8Array(5 + b.length)
  out[0] = type.charCodeAt(0)
  new DataView(out.buffer).setInt32(1, 4 + b.length)
  out.set(b, 5)
  return out
}

test('the tap counts the statements completed before each error, by query, whatever the chunking', () => {
  const stream = [
    message('Z', 'I'),
    message('T', 'row description'), message('D', 'a row'), message('C', 'SELECT 1\0'), message('C', 'CREATE TABLE\0'),
    message('N', 'a notice'), message('E', 'SERROR\0C42P07\0'), message('Z', 'E'),
    message('C', 'BEGIN\0'), message('E', 'SERROR\0C25P02\0'), message('Z', 'E'),
  ]
  const bytes = new Uint8Array(stream.reduce((n, m) => n + m.length, 0))
  let at = 0
  for (const m of stream) {
    bytes.set(m, at)
    at += m.length
  }
  for (const size of [1, 2, 3, 5, 7, 64, bytes.length]) {
    const tap = new WireTap()
    for (let i = 0; i < bytes.length; i += size) tap.feed(bytes.subarray(i, i + size))
    // Query 0 is the startup's ReadyForQuery; queries 1 and 2 failed.
    assert.is(tap.ready, 3, `chunks of ${size}`)
    assert.is(tap.completedBeforeError(0), undefined, `chunks of ${size}`)
    // Asked about in any order (messages in flight together); once asked, forgotten.
    assert.is(tap.completedBeforeError(2), 1, `chunks of ${size}`)
    assert.is(tap.completedBeforeError(1), 2, `chunks of ${size}`)
    assert.is(tap.completedBeforeError(1), undefined, `chunks of ${size}`)
  }
})

test.run()
