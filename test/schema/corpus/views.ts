import type { CorpusCase } from '../harness.ts'

const T = `create table users (id int primary key, name text, age int);`

export const VIEW_CASES: CorpusCase[] = [
  { name: 'a view is added', before: T, after: `${T} create view adults as select id, name from users where age >= 18;` },
  { name: 'a view is removed', before: `${T} create view adults as select id, name from users where age >= 18;`, after: T },
  { name: 'a view definition changes', before: `${T} create view v as select id from users;`, after: `${T} create view v as select id, name from users;` },
  { name: 'a view over a view is added', before: T, after: `${T} create view v1 as select id, age from users; create view v2 as select id from v1 where age > 1;` },
  { name: 'a view under another view changes', before: `${T} create view v1 as select id, age from users; create view v2 as select id from v1;`, after: `${T} create view v1 as select id, age, name from users where age > 0; create view v2 as select id from v1;` },
  { name: 'a column under a view changes type', before: `${T} create view v as select id, age from users;`, after: `create table users (id int primary key, name text, age bigint); create view v as select id, age from users;` },
  { name: 'a column a view reads is dropped with the view changing', before: `${T} create view v as select id, name from users;`, after: `create table users (id int primary key, age int); create view v as select id from users;` },
  { name: 'a view gets security_barrier and a comment', before: `${T} create view v as select id from users;`, after: `${T} create view v with (security_barrier) as select id from users; comment on view v is 'ids only';` },
  { name: 'a materialized view with an index is added', before: T, after: `${T} create materialized view stats as select age, count(*) as n from users group by age; create unique index stats_age on stats (age);` },
  { name: 'a materialized view changes and keeps its index', before: `${T} create materialized view m as select id from users; create index m_id on m (id);`, after: `${T} create materialized view m as select id, name from users; create index m_id on m (id);` },
  { name: 'an index on a materialized view is added', before: `${T} create materialized view m as select id from users;`, after: `${T} create materialized view m as select id from users; create index m_id on m (id);` },
  { name: 'a view column gets a comment', before: `${T} create view v as select id from users;`, after: `${T} create view v as select id from users; comment on column v.id is 'the id';` },
  { name: 'a view in another schema over a public table is added', before: T, after: `${T} create schema rpt; create view rpt.names as select name from public.users;` },
]

const RT = `create table t (id int primary key, v text); create table log (id int, v text, at timestamptz default now());`

export const RULE_CASES: CorpusCase[] = [
  { name: 'rules: a rule on a table is added with a comment', before: RT, after: `${RT} create rule t_log as on insert to t do also insert into log (id, v) values (new.id, new.v); comment on rule t_log on t is 'audit';` },
  { name: 'rules: an instead rule on a view and a disabled rule', before: `${RT} create view tv as select id, v from t;`, after: `${RT} create view tv as select id, v from t; create rule tv_ins as on insert to tv do instead insert into t values (new.id, new.v); create rule t_nodel as on delete to t do instead nothing; alter table t disable rule t_nodel;` },
  { name: 'rules: a rule changes its action', before: `${RT} create rule t_log as on insert to t do also insert into log (id) values (new.id);`, after: `${RT} create rule t_log as on insert to t do also insert into log (id, v) values (new.id, upper(new.v));` },
  { name: 'rules: a rule over a column whose type changes', before: `${RT} create rule t_log as on update to t do also insert into log (id, v) values (new.id, new.v);`, after: `create table t (id int primary key, v varchar(20)); create table log (id int, v text, at timestamptz default now()); create rule t_log as on update to t do also insert into log (id, v) values (new.id, new.v);` },
  { name: 'rules: a rule goes with its table', before: `${RT} create rule t_log as on insert to t do also insert into log (id) values (new.id);`, after: `create table log (id int, v text, at timestamptz default now());` },
]
