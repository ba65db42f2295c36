import type { CorpusCase } from '../harness.ts'

// Names are chosen so that name order is the wrong order: each object needs one that sorts after it.
const EARTH = `create extension cube; create extension earthdistance;`
const EARTH_CHAIN = `${EARTH} create function a_dist(x earth, y earth) returns float8 language sql immutable return earth_distance(x, y);
create view c_base as select a_dist(ll_to_earth(0, 0), ll_to_earth(1, 1)) as d; create view b_top as select d * 2 as d2 from c_base;`
const DOMAIN_CHAIN = `create domain z_pos as int check (value > 0); create function y_half(x z_pos) returns int language sql immutable as 'select x / 2';
create table t (id int, n z_pos, constraint t_half_pos check (y_half(n) >= 0)); create index t_half on t (y_half(n));`
const FUNCTION_CHAIN = `create function c_inner(x int) returns int language sql immutable return x + 1;
create function b_mid(x int) returns int language sql immutable return c_inner(x) * 2;
create function a_outer(x int) returns int language sql immutable return b_mid(x) + 1;`
const VIEW_FUNCTION_CHAIN = `create table z_t (id int, n int); create view y_v as select id, n from z_t where n > 0;
create function x_count() returns bigint language sql stable begin atomic select count(*) from y_v; end;
create view w_v as select x_count() as c;`

export const DEPENDENCY_CASES: CorpusCase[] = [
  { name: 'dependencies: an extension that requires another (cube → earthdistance) from empty and back', before: '', after: EARTH },
  { name: 'dependencies: extension → extension → function on its types → view → view on that view, from empty and back', before: '', after: EARTH_CHAIN },
  { name: 'dependencies: domain → function taking it → index and check using the function, from empty and back', before: '', after: DOMAIN_CHAIN },
  { name: 'dependencies: domain → function → index chain is dropped leaving the table', before: DOMAIN_CHAIN, after: 'create table t (id int);' },
  { name: 'dependencies: SQL-standard function bodies calling each other (function → function → function), from empty and back', before: '', after: FUNCTION_CHAIN },
  { name: 'dependencies: table → view → function reading the view → view calling the function, from empty and back', before: '', after: VIEW_FUNCTION_CHAIN },
]

const TYPE_CHAIN = `create function z_ok(x int) returns boolean language sql immutable return x > 0;
create domain y_pos as int check (z_ok(value)); create type x_pair as (a y_pos, b y_pos);
create function w_sum(p x_pair) returns int language sql immutable return (p).a + (p).b;
create table v_t (id int, p x_pair, s int default w_sum(row(1, 2)::x_pair));`

export const DEPENDENCY_MORE_CASES: CorpusCase[] = [
  { name: 'dependencies: function → domain whose check calls it → composite of the domain → function on the composite → table default calling it, from empty and back', before: '', after: TYPE_CHAIN },
  { name: 'dependencies: a function chain and a view chain are dropped while their table stays', before: `${FUNCTION_CHAIN} ${VIEW_FUNCTION_CHAIN}`, after: 'create table z_t (id int, n int);' },
  { name: 'dependencies: a view chain is added over an existing table and function', before: 'create table z_t (id int, n int); create function c_inner(x int) returns int language sql immutable return x + 1;', after: `create table z_t (id int, n int); create function c_inner(x int) returns int language sql immutable return x + 1;
create view b_v as select c_inner(n) as m from z_t; create function a_f() returns bigint language sql stable return (select count(*) from b_v); create view a_v as select a_f() as c;` },
  { name: 'dependencies: a new table whose check calls a SQL-standard function reading another new table', before: '', after: `create table c_z (id int primary key, n int);
create function c_count() returns bigint language sql stable begin atomic select count(*) from public.c_z; end;
create table c_a (a int check (a < public.c_count() + 100), b int check (b > 0));` },
]

export const DEPENDENCY_RECREATE_CASES: CorpusCase[] = [
  { name: 'dependencies: a table whose default calls a function goes while the function changes its result type', before: `create function f(x int) returns int language sql immutable return x; create table t (a int default f(1));`, after: `create function f(x int) returns bigint language sql immutable return x;` },
  { name: 'dependencies: a view over a SQL-standard function goes while the function changes its result type', before: `create function f(x int) returns int language sql immutable return x; create view v as select f(1) as a;`, after: `create function f(x int) returns bigint language sql immutable return x;` },
]
