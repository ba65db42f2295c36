/**
 * The load-time transaction checks over whole files (loadScripts on a MemorySource): every
 * refused statement is found wherever it sits in a file (after comments, a ";", a CRLF, a
 * block comment), up or down, and the quick word test that lets most files skip the split
 * never lets one through.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InvalidMigrationError, type SqlmigError } from '../../src/errors.ts'
import { MemorySource } from '../../src/files/memory-source.ts'
import { loadScripts } from '../../src/files/script-directory.ts'
import { ALLOWED, REFUSED } from '../sql/transaction-corpus.ts'

const CONTROL = ['begin', 'BEGIN WORK', 'start transaction', 'commit', 'end', 'rollback', 'abort', 'savepoint s', 'release s', "prepare transaction 'x'", "commit prepared 'x'"]

/** Ways a statement may sit in a file: the text before it, and how many lines that text spans before the statement's line. */
const PLACES: [string, number][] = [
  ['', 0],
  ['select 1;\n', 1],
  ['select 1; ', 0],
  ['select 1;', 0],
  ['-- note\n', 1],
  ['select 1;\r\n-- note\r\n', 2],
  ['select 1; /* a /* nested */ comment */ ', 0],
  ["select 'x';\n\n\t  ", 2],
  ['do $$ begin perform 1; end $$;\n', 1],
]

function load(up: string, down = 'select 1;', header = ''): SqlmigError | undefined {
  const source = new MemorySource({
    'm/versions/1_a.up.sql': `-- revision: a\n-- down_revision: none\n${header}\n${up}\n`,
    'm/versions/1_a.down.sql': `-- revision: a\n${header}\n${down}\n`,
  })
  try {
    loadScripts(source, 'm')
    return undefined
  } catch (error) {
    assert.instance(error, InvalidMigrationError)
    return error as SqlmigError
  }
}

test('loadScripts() finds each refused statement wherever it sits in an up file', () => {
  for (const [sql, command] of REFUSED) {
    for (const [before, line] of PLACES) {
      const e = load(`${before}${sql};`)
      const where = JSON.stringify(before + sql)
      assert.ok(e, `not refused: ${where}`)
      assert.is(e!.code, 'NOT_IN_TRANSACTION', where)
      assert.is(e!.message, `${command} cannot run inside a transaction block, and this migration runs inside sqlmig's transaction`, where)
      assert.equal(e!.location?.file, 'm/versions/1_a.up.sql')
      // The up file's body starts on line 4 (three header lines, the third blank).
      assert.is(e!.location?.line, 4 + line, where)
    }
  }
})

test('loadScripts() finds transaction control wherever it sits, in the down file too', () => {
  for (const sql of CONTROL) {
    for (const [before, line] of PLACES) {
      const where = JSON.stringify(before + sql)
      const up = load(`${before}${sql};`)
      assert.is(up?.code, 'TRANSACTION_CONTROL', where)
      assert.is(up?.location?.line, 4 + line, where)
      const down = load('select 1;', `${before}${sql};`)
      assert.is(down?.code, 'TRANSACTION_CONTROL', where)
      assert.equal(down?.location, { file: 'm/versions/1_a.down.sql', line: 3 + line, column: down!.location!.column }, where)
    }
  }
})

test('loadScripts() accepts the allowed statements, and the refused ones in "-- transaction: false" files', () => {
  for (const sql of ALLOWED) for (const [before] of PLACES) assert.is(load(`${before}${sql};`), undefined, before + sql)
  for (const [sql] of REFUSED) assert.is(load(`${sql};`, `${sql};`, '-- transaction: false'), undefined, sql)
  for (const sql of CONTROL) assert.is(load(`${sql};`, `${sql};`, '-- transaction: false'), undefined, sql)
  // Words in bodies, CASE ... END and names start no statement.
  assert.is(load("create view v as select case when true then 1 end as end_, 'commit' as c;\ncreate function f() returns void language plpgsql as $$\nbegin\n  perform 1;\nend;\n$$;"), undefined)
})

test('loadScripts() lists every refused file, up and down, and names the up of a down it refuses', () => {
  const source = new MemorySource({
    'm/versions/1_a.up.sql': '-- revision: a\n-- down_revision: none\n-- transaction: false\n\ncreate index concurrently i on t (x);\n',
    'm/versions/1_a.down.sql': '-- revision: a\n\ndrop index concurrently i;\n',
    'm/versions/2_b.up.sql': '-- revision: b\n-- down_revision: a\n\nvacuum t;\n',
    'm/versions/2_b.down.sql': '-- revision: b\n-- transaction: false\n\nselect 1;\n',
  })
  let caught: unknown
  try {
    loadScripts(source, 'm')
  } catch (error) {
    caught = error
  }
  const e = caught as SqlmigError
  assert.is(e.code, 'INVALID_MIGRATIONS')
  assert.is(e.detail, [
    'm/versions/1_a.down.sql:3:1: DROP INDEX CONCURRENTLY cannot run inside a transaction block, and this down file runs inside sqlmig\'s transaction (its up file is "transaction: false")',
    '  hint: Add "-- transaction: false" to the header of m/versions/1_a.down.sql, as its up file has (it then runs alone, outside a transaction, statement by statement)',
    'm/versions/2_b.up.sql:4:1: VACUUM cannot run inside a transaction block, and this up file runs inside sqlmig\'s transaction (its down file is "transaction: false")',
    '  hint: Add "-- transaction: false" to the header of m/versions/2_b.up.sql, as its down file has (it then runs alone, outside a transaction, statement by statement)',
  ].join('\n'))
})

test.run()
