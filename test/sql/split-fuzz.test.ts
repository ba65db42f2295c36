// Random and mutated inputs: the splitter must return statements that point into the text, or
// throw a SqlSyntaxError that does; never anything else, never hang.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SqlSyntaxError } from '../../src/errors.ts'
import { lineColumnAt } from '../../src/sql/position.ts'
import { splitStatementsWithOffsets } from '../../src/sql/split.ts'
import { random } from '../helpers/random.ts'
import { mutant } from './corpus.ts'

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
  for (let n = 0; n < 10_000; n++) seen[check(mutant(next), n % 2 === 0 ? 'fuzz.sql' : undefined)]++
  // (Speed is bench/split.ts's business, not a timed test's.)
  assert.ok(seen.ok > 1000 && seen.error > 1000, `both outcomes are exercised: ${JSON.stringify(seen)}`)
})

test('splitStatements() returns or throws SqlSyntaxError on every prefix of a tricky file', () => {
  const sql = "select E'\\''; /* a /* b */ c */ do $x$ ; $x$;\r\nselect \"q\"\"\", U&'d';\n" +
    'create function f() returns int begin atomic select case when true then 1 end; end;\n\\i y'
  for (let n = 0; n <= sql.length; n++) check(sql.slice(0, n), 'prefix.sql')
})

test.run()
