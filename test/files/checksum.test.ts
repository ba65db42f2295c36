/**
 * The applied-file checksum is the contract that refuses an edited migration: its fast paths
 * (a cheap scan that skips normalising, the one-shot hash) must give exactly the checksum of
 * the plain definition: lines split on CRLF/CR/LF, trailing spaces and tabs cut, trailing blank
 * lines dropped, sha256 of the UTF-8.
 */
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checksumOf, normalizeSql } from '../../src/files/script.ts'

function reference(text: string): string {
  return text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).map((line) => line.replace(/[ \t]+$/, '')).join('\n').replace(/\n+$/, '')
}

const PIECES = ['select 1;', ' ', '\t', '\n', '\r\n', '\r', '-- c', 'é', '\u2028', '  \n', '\t\r\n', 'x', '\ufeff']

test('normalizeSql() and checksumOf() agree with the plain definition on 20,000 random texts', () => {
  let seed = 42
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
  for (let i = 0; i < 20_000; i++) {
    let text = ''
    for (let k = next() % 12; k > 0; k--) text += PIECES[next() % PIECES.length]
    assert.is(normalizeSql(text), reference(text), JSON.stringify(text))
    assert.is(checksumOf(text), createHash('sha256').update(reference(text), 'utf8').digest('hex'), JSON.stringify(text))
  }
})

test('a layout edit keeps the checksum, any other edit changes it', () => {
  const base = 'create table t (id int);\nselect 1;\n'
  assert.is(checksumOf('create table t (id int);  \r\nselect 1;\t\n\n\n'), checksumOf(base))
  assert.is.not(checksumOf('create table t (id  int);\nselect 1;\n'), checksumOf(base))
  assert.is.not(checksumOf(' create table t (id int);\nselect 1;\n'), checksumOf(base))
})

test.run()
