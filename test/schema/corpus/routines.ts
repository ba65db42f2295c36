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

const AGG = `create function add_int(s int, v int) returns int language sql immutable as 'select s + v';`

export const AGGREGATE_CASES: CorpusCase[] = [
  { name: 'aggregates: an aggregate with a final function, an initial value and a comment is added', before: AGG, after: `${AGG} create function half(s int) returns numeric language sql immutable as 'select s / 2.0'; create aggregate mysum(int) (sfunc = add_int, stype = int, initcond = '0', finalfunc = half, parallel = safe); comment on aggregate mysum(int) is 'sum';` },
  { name: 'aggregates: an aggregate and its support function are added together', before: '', after: `${AGG} create aggregate mysum(int) (sfunc = add_int, stype = int, combinefunc = add_int); create table t (a int); create view v as select mysum(a) from t;` },
  { name: 'aggregates: an aggregate used by a view changes its initial value', before: `${AGG} create aggregate mysum(int) (sfunc = add_int, stype = int, initcond = '0'); create table t (a int); create view v as select mysum(a) from t;`, after: `${AGG} create aggregate mysum(int) (sfunc = add_int, stype = int, initcond = '100'); create table t (a int); create view v as select mysum(a) from t;` },
  { name: 'aggregates: built-in support functions, a sort operator and a moving-aggregate mode', before: '', after: `create aggregate mymax(int) (sfunc = int4larger, stype = int, sortop = >); create aggregate msum(int) (sfunc = int4pl, stype = int, msfunc = int4pl, minvfunc = int4mi, mstype = int, initcond = '0', minitcond = '0');` },
  { name: 'aggregates: an ordered-set aggregate', before: '', after: `create function os_final(s internal, p float8, v float8) returns float8 language internal immutable as 'percentile_cont_float8_final'; create aggregate my_pct(float8 order by float8) (sfunc = ordered_set_transition, stype = internal, finalfunc = os_final, finalfunc_extra);` },
  { name: 'aggregates: comment changes', before: `${AGG} create aggregate mysum(int) (sfunc = add_int, stype = int);`, after: `${AGG} create aggregate mysum(int) (sfunc = add_int, stype = int); comment on aggregate mysum(int) is 'c';` },
]

const ET = `create function on_ddl() returns event_trigger language plpgsql as $$ begin null; end $$;`

export const EVENT_TRIGGER_CASES: CorpusCase[] = [
  { name: 'event triggers: an event trigger is added with tags and a comment', before: ET, after: `${ET} create event trigger et_ddl on ddl_command_end when tag in ('CREATE TABLE', 'ALTER TABLE') execute function on_ddl(); comment on event trigger et_ddl is 'ddl';` },
  { name: 'event triggers: an event trigger and its function are added, one disabled', before: '', after: `${ET} create event trigger et_drop on sql_drop execute function on_ddl(); create event trigger et_start on ddl_command_start execute function on_ddl(); alter event trigger et_start disable;` },
  { name: 'event triggers: an event trigger changes event and enabled state', before: `${ET} create event trigger et on ddl_command_end execute function on_ddl(); create event trigger et2 on ddl_command_end execute function on_ddl();`, after: `${ET} create event trigger et on sql_drop execute function on_ddl(); create event trigger et2 on ddl_command_end execute function on_ddl(); alter event trigger et2 enable always;` },
]
