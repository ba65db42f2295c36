import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { caretExcerpt, lineColumnAt, offsetAt, offsetOfServerPosition, positionCursor } from '../../src/sql/position.ts'

test('lineColumnAt() counts LF, CRLF and a lone CR as one line break each', () => {
  const text = 'a\nb\r\nc\rd'
  assert.equal(lineColumnAt(text, 0), { line: 1, column: 1 })
  assert.equal(lineColumnAt(text, 2), { line: 2, column: 1 })
  assert.equal(lineColumnAt(text, 5), { line: 3, column: 1 })
  assert.equal(lineColumnAt(text, 7), { line: 4, column: 1 })
  assert.equal(lineColumnAt(text, 8), { line: 4, column: 2 })
})

test('lineColumnAt() puts the LF of a CRLF on the line the CR ends', () => {
  assert.equal(lineColumnAt('ab\r\nc', 3), { line: 1, column: 4 })
  assert.equal(lineColumnAt('ab\r\nc', 4), { line: 2, column: 1 })
})

test('lineColumnAt() counts characters, not bytes or UTF-16 units, in non-ASCII text', () => {
  const text = 'select \'héllo\', \'😀\', x;\n  ünïcode'
  assert.equal(lineColumnAt(text, text.indexOf('x')), { line: 1, column: 22 })
  assert.equal(lineColumnAt(text, text.indexOf('ü')), { line: 2, column: 3 })
  assert.equal(lineColumnAt(text, text.lastIndexOf('c')), { line: 2, column: 6 })
})

test('lineColumnAt() clamps offsets outside the text', () => {
  assert.equal(lineColumnAt('ab\ncd', -5), { line: 1, column: 1 })
  assert.equal(lineColumnAt('ab\ncd', 99), { line: 2, column: 3 })
  assert.equal(lineColumnAt('', 0), { line: 1, column: 1 })
})

test('positionCursor() gives the same answers as lineColumnAt() forwards and backwards', () => {
  const text = 'x😀y\r\n\tz\rw\n'
  const at = positionCursor(text)
  const offsets = [0, 1, 3, 4, 5, 6, 8, 9, 2, 10, 11, 0]
  for (const o of offsets) assert.equal(at(o), lineColumnAt(text, o), `offset ${o}`)
})

test('offsetAt() is the inverse of lineColumnAt() on every character start', () => {
  const text = 'créate 😀 table\r\n  t (\r\n\tid int\rprimary key)\n'
  for (let o = 0; o <= text.length; o++) {
    const c = text.charCodeAt(o)
    if (c >= 0xdc00 && c <= 0xdfff) continue
    if (c === 10 && text.charCodeAt(o - 1) === 13) continue
    const { line, column } = lineColumnAt(text, o)
    assert.is(offsetAt(text, line, column), o, `offset ${o} at ${line}:${column}`)
  }
})

test('offsetAt() stops at the end of a short line and of the text', () => {
  assert.is(offsetAt('ab\ncd', 1, 10), 2)
  assert.is(offsetAt('ab\ncd', 9, 1), 5)
})

test('offsetOfServerPosition() maps a 1-based character position into the file', () => {
  const file = '-- header\r\nselect 1;\r\nselect \'😀\' + nope;\r\n'
  const start = file.indexOf('select \'')
  // The server counts characters: the emoji is one, so "nope" is at position 14.
  const offset = offsetOfServerPosition(file, start, 14)
  assert.is(file.slice(offset, offset + 4), 'nope')
  assert.equal(lineColumnAt(file, offset), { line: 3, column: 14 })
  assert.is(offsetOfServerPosition(file, start, 1), start)
  assert.is(offsetOfServerPosition(file, start, 10_000), file.length)
})

test('caretExcerpt() shows the line and a caret under the character', () => {
  assert.is(caretExcerpt('select 1;\nselect nope;\n', 17), 'select nope;\n       ^')
})

test('caretExcerpt() keeps tabs in the spacer so the caret lines up', () => {
  assert.is(caretExcerpt('\tselect\tnope', 8), '\tselect\tnope\n\t      \t^')
})

test('caretExcerpt() leaves CR and LF of CRLF files out of the excerpt', () => {
  const text = 'select 1;\r\n\tselect nope;\r\nselect 3;'
  assert.is(caretExcerpt(text, text.indexOf('nope')), '\tselect nope;\n\t       ^')
  assert.is(caretExcerpt('a\rb\rc', 2), 'b\n^')
})

test('caretExcerpt() counts a non-ASCII character as one column', () => {
  assert.is(caretExcerpt('select \'😀é\' x', 13), 'select \'😀é\' x\n            ^')
})

test('caretExcerpt() points past the end of a line and of the text', () => {
  assert.is(caretExcerpt('abc\ndef', 3), 'abc\n   ^')
  assert.is(caretExcerpt('abc', 3), 'abc\n   ^')
  assert.is(caretExcerpt('', 0), '\n^')
})

test('caretExcerpt() cuts a very long line to a window around the caret', () => {
  const line = 'x'.repeat(500_000) + 'HERE' + 'y'.repeat(500_000)
  const excerpt = caretExcerpt(line, 500_000)
  const [shown, caret] = excerpt.split('\n') as [string, string]
  assert.ok(shown.length <= 125, `shown ${shown.length} characters`)
  assert.ok(shown.startsWith('…') && shown.endsWith('…'))
  assert.is(shown.slice(caret.length - 1, caret.length + 3), 'HERE')
})

test.run()
