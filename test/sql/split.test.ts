import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SqlSyntaxError } from '../../src/errors.ts'
import { splitStatements, splitStatementsWithOffsets } from '../../src/sql/split.ts'

const texts = (sql: string): string[] => splitStatements(sql).map((s) => s.text)

/** The error splitStatementsWithOffsets(sql, file) throws; fails the test when it returns. */
function splitError(sql: string, file = 'm.up.sql'): SqlSyntaxError {
  try {
    splitStatementsWithOffsets(sql, file)
  } catch (error) {
    if (error instanceof SqlSyntaxError) return error
    throw error
  }
  return assert.unreachable(`expected a SqlSyntaxError for ${JSON.stringify(sql)}`) as never
}

test('splitStatements() returns text, line and column of each statement', () => {
  assert.equal(splitStatements('create table t (id int);\n  insert into t values (1);\n'), [
    { text: 'create table t (id int)', line: 1, column: 1 },
    { text: 'insert into t values (1)', line: 2, column: 3 },
  ])
})

test('splitStatements() keeps the last statement without a semicolon', () => {
  assert.equal(texts('select 1;\nselect 2\n'), ['select 1', 'select 2'])
})

test('splitStatements() drops empty statements and statements of only comments', () => {
  assert.equal(texts(';; ;\n-- just a comment\n;/* and another */;select 1;;'), ['select 1'])
  assert.equal(splitStatements(''), [])
  assert.equal(splitStatements('  \n-- nothing\n/* here */\n'), [])
})

test('splitStatements() starts text at the first token and ends it at the last one', () => {
  const sql = '-- leading\n/* block */ select 1 -- inside\n  + 2 /* trailing */ -- more\n;'
  assert.equal(splitStatements(sql), [{ text: 'select 1 -- inside\n  + 2', line: 2, column: 13 }])
})

test('splitStatements() keeps a $$ body with semicolons whole', () => {
  const sql = 'do $$ begin perform 1; perform 2; end $$;\nselect $fn$ $$ ; $fn$;'
  assert.equal(texts(sql), ['do $$ begin perform 1; perform 2; end $$', 'select $fn$ $$ ; $fn$'])
})

test('splitStatements() ends a dollar quote only at the same, case-sensitive tag', () => {
  assert.equal(texts('select $a$ $A$; $b$; $a$; select 2'), ['select $a$ $A$; $b$; $a$', 'select 2'])
})

test('splitStatements() reads $1 as a parameter and a$b as an identifier, not as dollar quotes', () => {
  assert.equal(texts('select $1; select a$b$c from t; select 2'), ['select $1', 'select a$b$c from t', 'select 2'])
  assert.equal(texts('select $x from t; select 2'), ['select $x from t', 'select 2'])
})

test('splitStatements() reads \'\' as a quote inside a string and backslash as a character', () => {
  assert.equal(texts("select 'it''s; fine'; select '\\'; select 2"), ["select 'it''s; fine'", "select '\\'", 'select 2'])
})

test('splitStatements() honours backslash escapes in E strings only', () => {
  assert.equal(texts("select E'\\';'; select e'\\\\'; select 2"), ["select E'\\';'", "select e'\\\\'", 'select 2'])
})

test('splitStatements() reads an E string continued on the next line with escapes', () => {
  // 'a' <newline> 'b' is one literal; the second part keeps E's escapes, so \' is a quote.
  assert.equal(texts("select E'a' -- c\n  '\\';'; select 2"), ["select E'a' -- c\n  '\\';'", 'select 2'])
  assert.equal(texts("select E'a' '\\'; select 2 -- '"), ["select E'a' '\\'", "select 2"])
})

test('splitStatements() reads U&, B, X and N strings and quoted identifiers', () => {
  const sql = `select U&'d\\0061;t', B'10', X'1F', N'a;b', "we""ird;", U&"x;y"; select 2`
  assert.equal(texts(sql), [sql.slice(0, sql.indexOf('; select 2')), 'select 2'])
})

test('splitStatements() nests block comments', () => {
  assert.equal(texts('select /* a /* b; */ c; */ 1; select 2'), ['select /* a /* b; */ c; */ 1', 'select 2'])
})

test('splitStatements() ends a line comment at LF or CR', () => {
  assert.equal(texts('select 1 -- x;\r+ 1; select 2 -- ;\n;'), ['select 1 -- x;\r+ 1', 'select 2'])
})

test('splitStatements() does not split inside parentheses, as psql does not', () => {
  const sql = 'create rule r as on insert to t do also (insert into u values (1); delete from v); select 2'
  assert.equal(texts(sql), [sql.slice(0, sql.indexOf('; select 2')), 'select 2'])
})

test('splitStatements() keeps a BEGIN ATOMIC body with CASE ... END whole', () => {
  const body = 'create or replace function f(x int) returns int language sql\nbegin atomic\n' +
    '  select case when x > 0 then 1 else case x when 0 then 0 end end;\n  select 2;\nend'
  assert.equal(texts(`${body};\nselect 3;`), [body, 'select 3'])
  const procedure = 'CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END'
  assert.equal(texts(`${procedure}; select 3`), [procedure, 'select 3'])
})

test('splitStatements() opens a body only at BEGIN ATOMIC, as the server does, not at every BEGIN as psql does', () => {
  // psql's heuristic makes this one statement; PostgreSQL's grammar sees three.
  assert.equal(texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = begin AS 'SELECT 1'; SELECT 1; CREATE TABLE t (x int);"),
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = begin AS 'SELECT 1'", 'SELECT 1', 'CREATE TABLE t (x int)'])
  assert.equal(texts('create function begin(begin int) returns int language sql begin /* c */ atomic select begin; end; select 2'),
    ['create function begin(begin int) returns int language sql begin /* c */ atomic select begin; end', 'select 2'])
  // A BEGIN inside the body that is a column, not a nested body, does not need an END.
  assert.equal(texts('create function f() returns int language sql begin atomic select begin from t; end; select 2'),
    ['create function f() returns int language sql begin atomic select begin from t; end', 'select 2'])
  // A CREATE FUNCTION inside a body has a body of its own.
  const nested = 'create function f() returns int language sql begin atomic create function g() returns int language sql begin atomic select 1; end; select 2; end'
  assert.equal(texts(`${nested}; select 3`), [nested, 'select 3'])
})

test('splitStatements() counts BEGIN and END only in CREATE FUNCTION or PROCEDURE', () => {
  assert.equal(texts('begin; select 1; end; create table begin_end (case_ int);'),
    ['begin', 'select 1', 'end', 'create table begin_end (case_ int)'])
  // RETURN CASE ... END outside a BEGIN does not open anything.
  assert.equal(texts('create function f() returns int return case when true then 1 end; select 2'),
    ['create function f() returns int return case when true then 1 end', 'select 2'])
})

test('splitStatements() counts lines and columns in characters across CRLF and unicode', () => {
  const sql = "select '😀';\r\n\t/* é */ select 2;\rselect 3;"
  assert.equal(splitStatements(sql).map(({ line, column }) => [line, column]), [[1, 1], [2, 10], [3, 1]])
})

test('splitStatementsWithOffsets() gives offsets such that slice(start, end) is the text', () => {
  const sql = "\uFEFF-- bom first\nselect 'é';\r\n  select 2 ; "
  const statements = splitStatementsWithOffsets(sql)
  assert.equal(statements.map((s) => [s.start, s.end, s.line, s.column]), [[14, 24, 2, 1], [29, 37, 3, 3]])
  for (const s of statements) assert.is(sql.slice(s.start, s.end), s.text)
})

test('splitStatements() reports an unterminated string with its file, line and column', () => {
  const error = splitError("select 1;\n  select 'abc;\nselect 2;")
  assert.is(error.code, 'UNTERMINATED_STRING')
  assert.is(error.message, 'Unterminated quoted string')
  assert.is(error.offset, 19)
  assert.equal(error.location, { file: 'm.up.sql', line: 2, column: 10 })
  assert.is(error.where, 'm.up.sql:2:10')
  assert.is(error.hint, 'Add the closing "\'" (a quote inside a string is written "\'\'")')
  assert.is(error.detail, "  select 'abc;\n         ^")
  assert.is(error.exitCode, 5)
})

test('splitStatements() reports an E string whose last quote is escaped as unterminated', () => {
  const error = splitError("select E'abc\\'; select 2")
  assert.is(error.code, 'UNTERMINATED_STRING')
  assert.is(error.offset, 7)
})

test('splitStatements() reports an unterminated dollar quote with its tag', () => {
  const error = splitError('do $body$ begin; end $Body$;')
  assert.is(error.code, 'UNTERMINATED_DOLLAR_QUOTE')
  assert.is(error.message, 'Unterminated dollar-quoted string "$body$"')
  assert.is(error.hint, 'Add the closing "$body$"')
  assert.is(error.offset, 3)
})

test('splitStatements() reports an unterminated quoted identifier and block comment', () => {
  const identifier = splitError('select "abc;\n')
  assert.is(identifier.code, 'UNTERMINATED_IDENTIFIER')
  assert.is(identifier.message, 'Unterminated quoted identifier')
  assert.is(identifier.offset, 7)
  const comment = splitError('select 1; /* a /* b */ select 2;')
  assert.is(comment.code, 'UNTERMINATED_COMMENT')
  assert.is(comment.message, 'Unterminated block comment')
  assert.equal(comment.location, { file: 'm.up.sql', line: 1, column: 11 })
})

test('splitStatements() refuses a psql meta-command at the start of a line', () => {
  const error = splitError('select 1;\n  \\i other.sql\nselect 2;')
  assert.is(error.code, 'PSQL_META_COMMAND')
  assert.is(error.message, 'psql meta-command "\\i" is not supported')
  assert.is(error.hint, 'Remove it: sqlmig sends SQL to the server, not to psql')
  assert.equal(error.location, { file: 'm.up.sql', line: 2, column: 3 })
  assert.is(splitError('\\set x 1\nselect :x;').message, 'psql meta-command "\\set" is not supported')
  assert.is(splitError('select 1\r\n\\gset').message, 'psql meta-command "\\gset" is not supported')
  assert.is(splitError('\\connect db').message, 'psql meta-command "\\connect" is not supported')
})

test('splitStatements() leaves a backslash elsewhere for the server to reject', () => {
  assert.equal(texts('select 1 \\x; select 2; /* c */ \\i'), ['select 1 \\x', 'select 2', '\\i'])
  assert.equal(texts("select '\n\\i not a command'; select $$\n\\set$$; /*\n\\x */"),
    ["select '\n\\i not a command'", 'select $$\n\\set$$'])
})

test('splitStatements() omits the file from errors when it has no name', () => {
  try {
    splitStatements("select 'x")
    assert.unreachable()
  } catch (error) {
    assert.instance(error, SqlSyntaxError)
    assert.is((error as SqlSyntaxError).location, undefined)
    assert.is((error as SqlSyntaxError).offset, 7)
  }
})

test('splitStatements() reports a NUL character and takes lone surrogates as characters', () => {
  const error = splitError('select 1;\nselect \0;')
  assert.is(error.code, 'NUL_CHARACTER')
  assert.equal(error.location, { file: 'm.up.sql', line: 2, column: 8 })
  assert.equal(texts('select \uD800; select \uDC00x'), ['select \uD800', 'select \uDC00x'])
})

test('splitStatements() runs in linear time on 1 MB lines (4x the input costs about 4x the time, not 16x)', () => {
  // A ratio, not a time limit: the machine's speed and load cancel out (speed targets live in bench/).
  const inputs = (mb: number) => [
    `select '${'x'.repeat(mb)}'`, 'select 1;'.repeat(mb / 9), '$'.repeat(mb), 'a$'.repeat(mb / 2),
    '$a'.repeat(mb / 2), "E'\\".repeat(mb / 3), '/*'.repeat(mb / 2), "''".repeat(mb / 2), '-'.repeat(mb),
    '('.repeat(mb), 'begin case '.repeat(mb / 11), `create function ${'begin '.repeat(mb / 6)}`,
    "E'a'\n".repeat(mb / 5), ' '.repeat(mb) + '\\', '"'.repeat(mb - 1), '😀'.repeat(mb / 2),
    `copy t from stdin;\n${'1\tx\n'.repeat(mb / 4)}\\.\n`,
  ]
  const timed = (mb: number) => {
    const started = performance.now()
    for (const sql of inputs(mb)) {
      try {
        splitStatementsWithOffsets(sql, 'big.sql')
      } catch (error) {
        assert.instance(error, SqlSyntaxError)
      }
    }
    return performance.now() - started
  }
  timed(1 << 16) // warm up the JIT
  const small = Math.min(timed(1 << 18), timed(1 << 18))
  const large = Math.min(timed(1 << 20), timed(1 << 20))
  assert.ok(large / small < 10, `256 KB took ${small.toFixed(0)} ms, 1 MB ${large.toFixed(0)} ms: ${(large / small).toFixed(1)}x`)
})

test("pg_dump's \\restrict and \\unrestrict lines are comments; other meta-commands are still refused", () => {
  const dump = '\\restrict AbC123\nselect 1;\n\\unrestrict AbC123\n'
  assert.equal(splitStatements(dump).map((s) => [s.text, s.line]), [['select 1', 2]])
  assert.throws(() => splitStatements('\\i other.sql\nselect 1;'), (e: unknown) => e instanceof SqlSyntaxError && e.code === 'PSQL_META_COMMAND')
  assert.throws(() => splitStatements('\\restricted\nselect 1;'), (e: unknown) => e instanceof SqlSyntaxError)
})

test.run()
