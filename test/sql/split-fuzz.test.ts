// Random and mutated inputs: the splitter must return statements that point into the text, or
// throw a SqlSyntaxError that does; never anything else, never hang.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SqlSyntaxError } from '../../src/errors.ts'
import { lineColumnAt } from '../../src/sql/position.ts'
import { splitStatementsWithOffsets } from '../../src/sql/split.ts'
import { pick, random } from '../helpers/random.ts'
import { randomFile } from './corpus.ts'

/** Fragments that open, close or confuse quotes, comments and bodies. */
const STRAY: readonly string[] = [
  "'", '"', '$$', '$a$', '$1', '*/', '/*', '--', '\0', '\\', '\n\\i x.sql\n', "E'", "e'\\", 'U&"',
  "U&'", "B'", ';', '(', ')', ' begin ', ' end ', ' case ', 'create function ', '\r', '\r\n',
  '\uD800', '\uDC00', '😀', '\uFEFF', 'a$', '$', "''", '""', '\n', '\t', 'atomic ',
]

/** A file from the corpus, then cut, spliced with stray fragments, or random characters. */
function mutant(next: () => number): string {
  let sql = randomFile(next)
  const edits = Math.floor(next() * 4)
  for (let n = 0; n < edits; n++) {
    const at = Math.floor(next() * (sql.length + 1))
    const roll = next()
    if (roll < 0.3) sql = sql.slice(0, at)
    else if (roll < 0.5) sql = sql.slice(0, at) + sql.slice(at + 1 + Math.floor(next() * 10))
    else sql = sql.slice(0, at) + pick(next, STRAY) + sql.slice(at)
  }
  if (next() < 0.1) {
    sql = ''
    const length = Math.floor(next() * 60)
    for (let n = 0; n < length; n++) {
      sql += next() < 0.5 ? pick(next, STRAY) : String.fromCharCode(Math.floor(next() * 0x80))
    }
  }
  return sql
}

/** Asserts one input gives well-formed statements or a well-formed SqlSyntaxError. */
function check(sql: string, file: string | undefined): 'ok' | 'error' {
  let statements
  try {
    statements = splitStatementsWithOffsets(sql, file)
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) {
      assert.unreachable(`${String(error)} for ${JSON.stringify(sql)}`)
      throw error
    }
    assert.ok(error.offset >= 0 && error.offset <= sql.length, `offset ${error.offset} in ${JSON.stringify(sql)}`)
    if (file !== undefined) {
      const { line, column } = lineColumnAt(sql, error.offset)
      assert.equal(error.location, { file, line, column }, JSON.stringify(sql))
    }
    return 'error'
  }
  let previous = 0
  for (const s of statements) {
    assert.ok(s.start >= previous && s.end > s.start && s.end <= sql.length, JSON.stringify(sql))
    assert.is(sql.slice(s.start, s.end), s.text)
    assert.not.match(s.text, /^[ \t\n\r\f\v]|[ \t\n\r\f\v]$/, 'text starts and ends at a token')
    assert.equal({ line: s.line, column: s.column }, lineColumnAt(sql, s.start))
    previous = s.end
  }
  return 'ok'
}

test('splitStatements() returns or throws SqlSyntaxError on 10,000 mutated inputs', () => {
  const next = random(7)
  const seen = { ok: 0, error: 0 }
  const started = Date.now()
  for (let n = 0; n < 10_000; n++) seen[check(mutant(next), n % 2 === 0 ? 'fuzz.sql' : undefined)]++
  const ms = Date.now() - started
  assert.ok(seen.ok > 1000 && seen.error > 1000, `both outcomes are exercised: ${JSON.stringify(seen)}`)
  assert.ok(ms < 5000, `took ${ms} ms`)
})

test('splitStatements() returns or throws SqlSyntaxError on every prefix of a tricky file', () => {
  const sql = "select E'\\''; /* a /* b */ c */ do $x$ ; $x$;\r\nselect \"q\"\"\", U&'d';\n" +
    'create function f() returns int begin atomic select case when true then 1 end; end;\n\\i y'
  for (let n = 0; n <= sql.length; n++) check(sql.slice(0, n), 'prefix.sql')
})

test.run()
