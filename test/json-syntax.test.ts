/** jsonSyntaxErrorOffset agrees with JSON.parse on what is valid, and points where the text goes wrong. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { jsonSyntaxErrorOffset } from '../src/json-syntax.ts'
import { random } from './helpers/random.ts'

test('the offset of the first character a parser rejects', () => {
  assert.is(jsonSyntaxErrorOffset('{"a": 1}'), undefined)
  assert.is(jsonSyntaxErrorOffset('{"a": 1,}'), 8)
  assert.is(jsonSyntaxErrorOffset('{\n  "a": 1\n  "b": 2\n}'), 13)
  assert.is(jsonSyntaxErrorOffset('{"a": tru}'), 9)
  assert.is(jsonSyntaxErrorOffset('{"a": "x\\q"}'), 9)
  assert.is(jsonSyntaxErrorOffset('{"a": 01}'), 7)
  assert.is(jsonSyntaxErrorOffset('{} x'), 3)
  assert.is(jsonSyntaxErrorOffset(''), 0)
  assert.is(jsonSyntaxErrorOffset('{"a": "\\u12G4"}'), 11)
  assert.is(jsonSyntaxErrorOffset('[1, [2, {"k": [true, false, null, -1.5e3, "\\u00e9"]}]]'), undefined)
})

test('valid exactly when JSON.parse accepts: 5,000 mutated config texts', () => {
  const rand = random(1616)
  const base = JSON.stringify({ url: 'pglite:x', dir: 'migrations', n: -1.25e2, list: ['a', 'b'], nested: { t: true, f: false, z: null }, s: 'q"\\\n\u00e9' }, null, 2)
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '-', '.', 'e', 't', 'n', 'x', '\u0001']
  for (let i = 0; i < 5000; i++) {
    let text = base
    const edits = 1 + Math.floor(rand() * 3)
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rand() * (text.length + 1))
      const op = rand()
      if (op < 0.4) text = text.slice(0, at) + text.slice(at + 1)
      else text = text.slice(0, at) + pieces[Math.floor(rand() * pieces.length)]! + text.slice(op < 0.7 ? at : at + 1)
    }
    let valid = true
    try {
      JSON.parse(text)
    } catch {
      valid = false
    }
    const offset = jsonSyntaxErrorOffset(text)
    assert.is(offset === undefined, valid, JSON.stringify(text))
  }
})

test.run()
