import process from 'node:process'
import type { CorpusCase } from '../harness.ts'

/** Roles unique to this test process (the server's roles are shared by parallel runs). */
const R = `sqlmig_r${process.pid}_reader`
const W = `sqlmig_r${process.pid}_writer`
const ROLES = [R, W]

const T = `create table t (id int primary key, a text, b int);`
const S = `create schema app; create table app.items (id serial primary key, name text);`
const F = `create function f(x int) returns int language sql as 'select x + 1';`
const TY = `create type mood as enum ('sad', 'ok'); create domain pos as int check (value > 0);`

const cases: Omit<CorpusCase, 'roles'>[] = [
  { name: 'privileges: a table grant is added', before: T, after: `${T} grant select on t to ${R};` },
  { name: 'privileges: table grants widen and gain grant option', before: `${T} grant select on t to ${R};`, after: `${T} grant select, insert, update on t to ${R} with grant option; grant delete on t to ${W};` },
  { name: 'privileges: a grant to public and a revoke from the owner', before: T, after: `${T} grant select on t to public; revoke truncate, references on t from current_user;` },
  { name: 'privileges: column grants are added and changed', before: `${T} grant select (a) on t to ${R};`, after: `${T} grant select (a, b), update (b) on t to ${R}; grant insert (id) on t to ${W};` },
  { name: 'privileges: sequence and schema grants', before: S, after: `${S} grant usage on schema app to ${R}; grant create on schema app to ${W} with grant option; grant usage, select on sequence app.items_id_seq to ${R}; grant select on app.items to ${R};` },
  { name: 'privileges: function execute is revoked from public and granted to a role', before: F, after: `${F} revoke execute on function f(int) from public; grant execute on function f(int) to ${R};` },
  { name: 'privileges: type and domain usage', before: TY, after: `${TY} revoke usage on type mood from public; grant usage on type mood to ${R}; grant usage on domain pos to ${W};` },
  { name: 'privileges: a view grant and a materialized view grant', before: `${T} create view v as select id, a from t; create materialized view mv as select id from t;`, after: `${T} create view v as select id, a from t; create materialized view mv as select id from t; grant select on v to ${R}; grant select on mv to ${W};` },
  { name: 'privileges: new objects are created with their grants', before: '', after: `${S} ${F} ${TY} grant usage on schema app to ${R}; grant select, insert on app.items to ${W}; grant update (name) on app.items to ${R}; revoke all on function f(int) from public; revoke usage on type mood from public;` },
  { name: 'privileges: a view re-created around a column change keeps its grants', before: `${T} create view v as select id, b from t; grant select on v to ${R}; grant select (b) on t to ${R};`, after: `create table t (id int primary key, a text, b bigint); create view v as select id, b from t; grant select on v to ${R}; grant select (b) on t to ${R};` },
  { name: 'privileges: a function re-created for a new result keeps its grants', before: `${F} revoke execute on function f(int) from public; grant execute on function f(int) to ${R};`, after: `create function f(x int) returns bigint language sql as 'select x + 1::bigint'; revoke execute on function f(int) from public; grant execute on function f(int) to ${R};` },
  { name: 'privileges: a rebuilt enum keeps its grants', before: `create type mood as enum ('sad', 'ok', 'happy'); revoke usage on type mood from public;`, after: `create type mood as enum ('sad', 'happy'); revoke usage on type mood from public; grant usage on type mood to ${R};` },
  { name: 'owner: tables, views, sequences, functions, types and schemas change owner', before: `${S} ${T} ${F} ${TY} create view v as select id from t; create sequence s;`, after: `${S} ${T} ${F} ${TY} create view v as select id from t; create sequence s; alter schema app owner to ${W}; alter table app.items owner to ${W}; alter table t owner to ${R}; alter view v owner to ${R}; alter sequence s owner to ${W}; alter function f(int) owner to ${R}; alter type mood owner to ${W}; alter domain pos owner to ${R};` },
  { name: 'owner: an owner change keeps grants and merges those of the new owner', before: `${T} grant select, update on t to ${R}; grant insert on t to ${W};`, after: `${T} alter table t owner to ${R}; grant insert on t to ${W}; grant select (a) on t to ${W};` },
  { name: 'owner: a new table owned by another role with grants', before: '', after: `${T} alter table t owner to ${R}; grant select on t to ${W}; revoke delete on t from ${R};` },
  { name: 'default privileges: global grants and revokes', before: '', after: `alter default privileges grant select on tables to ${R}; alter default privileges revoke execute on functions from public; alter default privileges grant usage on sequences to ${W}; alter default privileges grant usage on types to ${R};` },
  { name: 'default privileges: in a schema and for another role', before: S, after: `${S} alter default privileges in schema app grant select, insert on tables to ${R}; alter default privileges for role ${W} in schema app grant execute on functions to ${R}; alter default privileges for role ${W} grant usage on schemas to ${R};` },
  { name: 'default privileges: change with objects created before and after them', before: `alter default privileges grant select on tables to ${R}; ${T}`, after: `${T} alter default privileges grant insert on tables to ${W}; create table u (id int); create table v2 (id int); revoke insert on v2 from ${W};` },
  { name: 'privileges: range type and aggregate owners and grants', before: `create type floatrange as range (subtype = float8); create aggregate mysum(int) (sfunc = int4pl, stype = int);`, after: `create type floatrange as range (subtype = float8); create aggregate mysum(int) (sfunc = int4pl, stype = int); alter type floatrange owner to ${W}; revoke usage on type floatrange from public; alter aggregate mysum(int) owner to ${R}; revoke execute on function mysum(int) from public; grant execute on function mysum(int) to ${W};` },
  { name: 'privileges: a new range type and aggregate with grants', before: '', after: `create type floatrange as range (subtype = float8); grant usage on type floatrange to ${R}; create aggregate mysum(int) (sfunc = int4pl, stype = int); revoke all on function mysum(int) from public;` },
]

export const PRIVILEGE_CASES: CorpusCase[] = cases.map((c) => ({ ...c, roles: ROLES }))
