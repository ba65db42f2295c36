import type { CorpusCase } from '../harness.ts'

const T = `create table doc (id int primary key, owner text, public boolean);`

export const SECURITY_CASES: CorpusCase[] = [
  { name: 'row level security is enabled', before: T, after: `${T} alter table doc enable row level security;` },
  { name: 'row level security is forced', before: `${T} alter table doc enable row level security;`, after: `${T} alter table doc enable row level security; alter table doc force row level security;` },
  { name: 'a policy is added', before: `${T} alter table doc enable row level security;`, after: `${T} alter table doc enable row level security; create policy own on doc using (owner = current_user);` },
  { name: 'a restrictive insert policy with check for a role is added', before: T, after: `${T} create policy ins on doc as restrictive for insert to postgres with check (public);` },
  { name: 'a policy expression changes', before: `${T} create policy sel on doc for select using (public);`, after: `${T} create policy sel on doc for select using (public or owner = current_user);` },
  { name: 'a policy is removed', before: `${T} create policy sel on doc for select using (public);`, after: T },
  { name: 'a policy using a function whose signature changes', before: `create function me() returns text language sql stable as 'select current_user::text'; ${T} create policy own on doc using (owner = me());`, after: `create function me() returns varchar language sql stable as 'select current_user::varchar'; ${T} create policy own on doc using (owner = me());` },
  { name: 'a policy over a column whose type changes', before: `${T} create policy own on doc using (owner = current_user);`, after: `create table doc (id int primary key, owner varchar(64), public boolean); create policy own on doc using (owner = current_user);` },
  { name: 'comments are added on a table, a column, an index and a constraint', before: `create table t (a int constraint a_pos check (a > 0)); create index t_a on t (a);`, after: `create table t (a int constraint a_pos check (a > 0)); create index t_a on t (a); comment on table t is 'T'; comment on column t.a is 'A'; comment on index t_a is 'I'; comment on constraint a_pos on t is 'C';` },
  { name: 'comments change and are removed', before: `create table t (a int); comment on table t is 'old'; comment on column t.a is 'gone';`, after: `create table t (a int); comment on table t is 'new ''quoted''';` },
  { name: 'comments on a function, type, domain, sequence, trigger and policy', before: `create function f() returns trigger language plpgsql as $$ begin return new; end $$; create type e as enum ('a'); create domain d as int; create sequence s; create table t (a int); create trigger tr before insert on t for each row execute function f(); create policy p on t using (true);`, after: `create function f() returns trigger language plpgsql as $$ begin return new; end $$; create type e as enum ('a'); create domain d as int; create sequence s; create table t (a int); create trigger tr before insert on t for each row execute function f(); create policy p on t using (true); comment on function f() is 'F'; comment on type e is 'E'; comment on domain d is 'D'; comment on sequence s is 'S'; comment on trigger tr on t is 'TR'; comment on policy p on t is 'P';` },
]
