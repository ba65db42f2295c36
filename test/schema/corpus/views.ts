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
