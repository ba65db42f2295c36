import type { CorpusCase } from '../harness.ts'

const PT = 'create schema app; create table t (id int primary key, a text, b int); create table u (id int primary key, v text); create table app.w (id int primary key);'

/** Publications (both targets: PGlite keeps publications although it has no replication). */
export const PUBLICATION_CASES: CorpusCase[] = [
  { name: 'publications: a publication is added with a column list, a row filter, publish options and a comment', before: PT, after: `${PT} create publication p for table t (id, a) where (b > 0), table u with (publish = 'insert, update'); comment on publication p is 'feed';` },
  { name: 'publications: FOR ALL TABLES and FOR TABLES IN SCHEMA publications are added', before: PT, after: `${PT} create publication p_all for all tables with (publish_via_partition_root = true); create publication p_app for tables in schema app, table t;` },
  { name: 'publications: members, row filter, options and comment change', before: `${PT} create publication p for table t, table u; comment on publication p is 'a';`, after: `${PT} create publication p for table t where (b > 1), tables in schema app with (publish = 'insert'); comment on publication p is 'b';` },
  { name: 'publications: a listed column changes type and a member table is dropped', before: `${PT} create publication p for table t (id, b) where (b > 0), table u;`, after: 'create schema app; create table t (id int primary key, a text, b bigint); create table app.w (id int primary key); create publication p for table t (id, b) where (b > 0);' },
  { name: 'publications: a publication turns from FOR ALL TABLES to a table list', before: `${PT} create publication p for all tables;`, after: `${PT} create publication p for table app.w;` },
]
