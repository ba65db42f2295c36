import type { CorpusCase } from '../harness.ts'

const T = `create table t (id int primary key, n int, updated timestamptz);`
const TOUCH = `create function touch() returns trigger language plpgsql as $$ begin new.updated := now(); return new; end $$;`
const TOUCH2 = `create function touch() returns trigger language plpgsql as $$ begin new.updated := clock_timestamp(); return new; end $$;`

export const ROUTINE_CASES: CorpusCase[] = [
  { name: 'a sql function is added', before: '', after: `create function add(a int, b int) returns int language sql immutable as 'select a + b';` },
  { name: 'a function is removed', before: `create function one() returns int language sql as 'select 1';`, after: '' },
  { name: 'a function body changes', before: `create function one() returns int language sql as 'select 1';`, after: `create function one() returns int language sql as 'select 2';` },
  { name: 'a function return type changes', before: `create function one() returns int language sql as 'select 1';`, after: `create function one() returns bigint language sql as 'select 1::bigint';` },
  { name: 'a function gets a parameter default and options', before: `create function f(a int) returns int language sql as 'select a';`, after: `create function f(a int default 3) returns int language sql stable security definer set search_path = public as 'select a';` },
  { name: 'an overloaded function is added', before: `create function f(a int) returns int language sql as 'select a';`, after: `create function f(a int) returns int language sql as 'select a'; create function f(a text) returns text language sql as 'select a';` },
  { name: 'a sql function reading a new table is added with it', before: '', after: `${T} create function total() returns bigint language sql as 'select sum(n) from t';` },
  { name: 'a function returning a table row type is added', before: T, after: `${T} create function first_t() returns setof t language sql as 'select * from t limit 1';` },
  { name: 'a procedure is added', before: T, after: `${T} create procedure reset_n() language sql as 'update t set n = 0';` },
  { name: 'a procedure body changes', before: `${T} create procedure p() language sql as 'update t set n = 0';`, after: `${T} create procedure p() language sql as 'update t set n = 1';` },
  { name: 'a trigger is added with its function', before: T, after: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch();` },
  { name: 'a trigger is removed', before: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch();`, after: `${T} ${TOUCH}` },
  { name: 'a trigger changes its events and gets a when clause', before: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch();`, after: `${T} ${TOUCH} create trigger t_touch before insert or update of n on t for each row when (new.n is not null) execute function touch();` },
  { name: 'a function a trigger uses changes its body', before: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch();`, after: `${T} ${TOUCH2} create trigger t_touch before update on t for each row execute function touch();` },
  { name: 'a trigger is disabled', before: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch();`, after: `${T} ${TOUCH} create trigger t_touch before update on t for each row execute function touch(); alter table t disable trigger t_touch;` },
  { name: 'a statement trigger with a transition table is added', before: `${T} create function audit() returns trigger language plpgsql as $$ begin return null; end $$;`, after: `${T} create function audit() returns trigger language plpgsql as $$ begin return null; end $$; create trigger t_audit after insert on t referencing new table as inserted for each statement execute function audit();` },
  { name: 'a function used in a check constraint changes its signature', before: `create function ok(n int) returns boolean language sql immutable as 'select n > 0'; create table t (n int check (ok(n)));`, after: `create function ok(n int) returns int language sql immutable as 'select n'; create table t (n int check (ok(n) > 0));` },
  { name: 'a function used by a view changes its return type', before: `create function two() returns int language sql as 'select 2'; create view v as select two() as x;`, after: `create function two() returns bigint language sql as 'select 2::bigint'; create view v as select two() as x;` },
  { name: 'a function used as a column default changes its return type', before: `create function d() returns int language sql as 'select 7'; create table t (n bigint default d());`, after: `create function d() returns bigint language sql as 'select 7::bigint'; create table t (n bigint default d());` },
  { name: 'an instead-of trigger on a view is added', before: `${T} create view v as select id, n from t; create function vins() returns trigger language plpgsql as $$ begin insert into t (id, n) values (new.id, new.n); return new; end $$;`, after: `${T} create view v as select id, n from t; create function vins() returns trigger language plpgsql as $$ begin insert into t (id, n) values (new.id, new.n); return new; end $$; create trigger v_ins instead of insert on v for each row execute function vins();` },
]
