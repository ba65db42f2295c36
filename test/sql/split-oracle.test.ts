// Checks the splitter against PostgreSQL's own parser (libpg-query: the server's raw parser
// compiled to WASM). The parser gives each statement's byte offset and length in UTF-8; a
// statement starts at its first token and, but for the last, runs to its semicolon.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadModule, parseSync } from 'libpg-query'
import { splitStatementsWithOffsets } from '../../src/sql/split.ts'
import { random } from '../helpers/random.ts'
import { mutant, randomFile, SEPARATORS, STATEMENTS } from './corpus.ts'

interface Span { start: number; end: number }

/** UTF-16 index of every UTF-8 byte offset that starts a character (and of the end). */
function byteToIndex(sql: string): Map<number, number> {
  const map = new Map<number, number>()
  let bytes = 0
  for (let i = 0; i < sql.length; i++) {
    map.set(bytes, i)
    const c = sql.codePointAt(i) as number
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    if (c > 0xffff) i++
  }
  map.set(bytes, sql.length)
  return map
}

/** The statements the server's parser sees, as [start, end) in UTF-16 indexes. */
function oracle(sql: string): Span[] {
  const index = byteToIndex(sql)
  const at = (byte: number): number => {
    const i = index.get(byte)
    if (i === undefined) throw new Error(`byte offset ${byte} is inside a character`)
    return i
  }
  const stmts = (parseSync(sql) as { stmts?: { stmt_location?: number; stmt_len?: number }[] }).stmts ?? []
  return stmts.map((s) => {
    const start = at(s.stmt_location ?? 0)
    return { start, end: s.stmt_len ? at((s.stmt_location ?? 0) + s.stmt_len) : sql.length }
  })
}

/** True when `text` is only whitespace and (possibly nested) comments. */
function isBlank(text: string): boolean {
  let i = 0
  while (i < text.length) {
    if (/\s/.test(text.charAt(i))) i++
    else if (text.startsWith('--', i)) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++
    } else if (text.startsWith('/*', i)) {
      let depth = 0
      do {
        if (text.startsWith('/*', i)) { depth++; i += 2 }
        else if (text.startsWith('*/', i)) { depth--; i += 2 }
        else if (i >= text.length) return false
        else i++
      } while (depth > 0)
    } else return false
  }
  return true
}

/** Asserts our statements start where the parser's do and differ only by trailing blanks. */
function assertAgrees(sql: string): void {
  const expected = oracle(sql)
  const actual = splitStatementsWithOffsets(sql)
  const show = (spans: Span[]) => spans.map((s) => sql.slice(s.start, s.end))
  assert.is(actual.length, expected.length, `statement count of ${JSON.stringify(sql)}:\n` +
    `ours ${JSON.stringify(show(actual))}\nparser ${JSON.stringify(show(expected))}`)
  expected.forEach((e, n) => {
    const a = actual[n] as Span & { text: string }
    assert.is(a.start, e.start, `start of statement ${n + 1} in ${JSON.stringify(sql)}`)
    assert.ok(a.end <= e.end && isBlank(sql.slice(a.end, e.end)),
      `end of statement ${n + 1} in ${JSON.stringify(sql)}: ours ${JSON.stringify(a.text)}`)
  })
}

await loadModule()

test('splitStatements() agrees with the server parser on each corpus statement', () => {
  for (const statement of STATEMENTS) assertAgrees(statement)
})

test('splitStatements() agrees with the server parser on each statement between separators', () => {
  for (const statement of STATEMENTS) {
    for (const separator of SEPARATORS) assertAgrees(`select 0${separator}${statement}${separator}select 9`)
  }
})

test('splitStatements() agrees with the server parser on the corpus as one CRLF file', () => {
  assertAgrees(STATEMENTS.join(';\n').replace(/\n/g, '\r\n'))
  assertAgrees(`/* header */\r\n${STATEMENTS.join(';\r\n-- next\r\n')};\r\n-- end\r\n`)
})

test('splitStatements() agrees with the server parser on 500 random files', () => {
  const next = random(20261124)
  for (let n = 0; n < 500; n++) assertAgrees(randomFile(next))
})

test('splitStatements() agrees with the server parser on every mutated file the parser accepts', () => {
  // Cut, spliced with stray BEGIN, ATOMIC, CASE, END, SET x = begin, quotes...: where the server's
  // grammar takes the text, the statements must be the ones it sees.
  const next = random(20261203)
  let accepted = 0
  for (let n = 0; n < 20_000; n++) {
    const sql = mutant(next)
    // The parser reads a C string (a NUL ends it); sqlmig refuses NUL and psql meta-commands.
    if (sql.includes('\0') || /(^|[\n\r])[ \t\f\v]*\\/.test(sql)) continue
    try {
      parseSync(sql)
    } catch {
      continue
    }
    accepted++
    assertAgrees(sql)
  }
  assert.ok(accepted > 2000, `${accepted} mutants parsed`)
})

test.run()
