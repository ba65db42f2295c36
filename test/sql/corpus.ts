/**
 * Valid PostgreSQL statements that stress the splitter's lexing rules, the separators put
 * between them, and random files made of both (seeded: see ../helpers/random.ts).
 */
import { pick } from '../helpers/random.ts'

/** Each entry is one complete, valid statement without its semicolon. */
export const STATEMENTS: readonly string[] = [
  'select 1',
  "select 'a;b'",
  "select 'it''s; fine', ''''",
  "select '\\'",
  "select E'\\';', e'\\\\', E'a\\'b;c'",
  // A comment inside the continuation ('a' -- c <newline> 'b') is valid on the server but
  // libpg-query's scanner rejects it (it returns comments as tokens); split.test.ts covers it.
  "select E'a'\n  '\\';'",
  "select 'a'\n'b;' as continued",
  "select U&'d\\0061t\\+000061;', U&'!0061;' uescape '!'",
  "select B'1010', X'1F', N'n;at'",
  'select 1 as "we""ird;", 2 as U&"x;y"',
  'select $$a;b$$',
  'select $tag$ $$ ; $TAG$ $tag$',
  'select $a$ $b$ ; $a$',
  "do $$ begin raise notice 'x;'; end $$",
  'do $body$ declare x int; begin x := 1; end $body$ language plpgsql',
  'select $1::int',
  'prepare p(int) as select $1',
  'select a$b from t',
  'select a$$b, c from t',
  'select /* a /* b; */ c; */ 1',
  'select 1 -- comment; still comment\n + 2',
  'select 1 /* ** / * */ + 2',
  'create function f(x int) returns int language sql\nbegin atomic\n  select case when x > 0 then 1 else 0 end;\n  select 2;\nend',
  'create or replace procedure p() language sql begin atomic insert into t values (1); update t set a = case a when 1 then 2 end; end',
  'CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN CASE 1 WHEN 1 THEN 1 END END; END',
  'create function h() returns int language sql immutable return case 1 when 1 then 1 end',
  'create function k() returns int as $$ select 1; $$ language sql',
  "create table t (id int, b text default ';', c int check (c > 0))",
  'create rule r as on insert to t do also (insert into u values (1); delete from v)',
  'select (select 1), (array[1, 2])[1], 1::int, x @> y, a->>\'k;\' from t',
  "select 'héllo; 😀', 1 as \"😀;\", café from t",
  "insert into \"T;\" values ('\\')",
  "comment on table t is 'x;'",
  'begin',
  'end',
  'select 1 as begin, 2 as "end", 3 as case_',
  "create table \"ünï\" (ç text default e'\\x41;')",
  'select 1.5e10, .5, 1e-3, 2.e+4 from t',
  'select - -1, 2 */* c */ 3',
  'select * from t where a = $$;$$ and b = \'$$\'',
  // BEGIN opens a body only as BEGIN ATOMIC after a routine's signature (psql's heuristic counts
  // any unquoted BEGIN after CREATE FUNCTION; the server's grammar does not).
  "CREATE FUNCTION sp() RETURNS int LANGUAGE sql SET search_path = begin AS 'SELECT 1'",
  'create function sp2() returns int language sql set search_path to begin, "end" as \'select 1\'',
  "create or replace procedure sp3() language sql set x.y = 'begin' set work_mem from current as 'select 1'",
  'create table be (begin int, "end" int, atomic int, "case" int)',
  'select begin, atomic from be as begin',
  'create function begin() returns int language sql begin atomic select 1; end',
  'create function s.begin(begin int) returns int language sql begin atomic select begin + 1; end',
  'create function "begin"() returns int language sql return 1',
  'CREATE PROCEDURE bp() BEGIN ATOMIC SELECT 1; SELECT 2; END',
  'create procedure bp2() language sql begin /* c; */ -- d;\n atomic select 1; end',
  'create function bc(x int) returns text language sql begin atomic select case when x > 0 then \'begin atomic; end\' else case x when 0 then $$;$$ end end; end',
  'create function bs() returns int language sql begin atomic select begin atomic from be; select begin from be; end',
  'create function bn() returns int language sql begin atomic create function bn2() returns int language sql begin atomic select 1; end; select 2; end',
  'create function bt() returns begin language sql begin atomic select 1; end',
  'create function bq() returns int language sql as \'begin atomic select 1; end\'',
  'CREATE OR REPLACE FUNCTION br(x int) RETURNS int LANGUAGE sql RETURN CASE WHEN x > 0 THEN 1 END',
  'create rule br2 as on update to be do also (update be set begin = 1; delete from be where "end" = 2)',
  'create trigger btr before insert on be for each row execute function begin()',
  'create table begin (atomic int)',
  'alter table begin add column "begin atomic" int',
]

/** What may separate statements: each contains one semicolon unless it is whitespace only. */
export const SEPARATORS: readonly string[] = [
  ';', ';\n', ';\r\n', ' ;\n\n', ';\t', ';;\n', '; ;', '\n;\n', ';\n-- c; \'$$\n', ';/* c; */',
  ';\n/* a /* b; */ ' + '*/\n', '; -- c\r', ';\r\n\r\n-- trailer\r\n',
]

/** A file of 1-8 random statements joined by random separators; some end without ";". */
export function randomFile(next: () => number): string {
  const count = 1 + Math.floor(next() * 8)
  let sql = next() < 0.3 ? pick(next, ['-- header\n', '/* x */ ', '\n\n', ';', '\r\n']) : ''
  for (let n = 0; n < count; n++) {
    sql += pick(next, STATEMENTS)
    if (n < count - 1 || next() < 0.7) sql += pick(next, SEPARATORS)
  }
  return next() < 0.2 ? sql.replace(/\r?\n/g, '\r\n') : sql
}

/** Fragments that open, close or confuse quotes, comments and bodies. */
export const STRAY: readonly string[] = [
  "'", '"', '$$', '$a$', '$1', '*/', '/*', '--', '\0', '\\', '\n\\i x.sql\n', "E'", "e'\\", 'U&"',
  "U&'", "B'", ';', '(', ')', ' begin ', ' end ', ' case ', 'create function ', '\r', '\r\n',
  '\uD800', '\uDC00', '😀', '\uFEFF', 'a$', '$', "''", '""', '\n', '\t', 'atomic ',
  ' begin atomic ', 'create procedure ', ' set x = begin ', ' return ', 'create or replace function ',
]

/** A file from the corpus, then cut, spliced with stray fragments, or random characters. */
export function mutant(next: () => number): string {
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
