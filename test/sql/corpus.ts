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
