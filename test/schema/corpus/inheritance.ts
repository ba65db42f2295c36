import type { CorpusCase } from '../harness.ts'

const P = `create table p (id int not null, name text default 'x', constraint id_pos check (id > 0));`
const C = `create table c (extra int) inherits (p);`

export const INHERITANCE_CASES: CorpusCase[] = [
  { name: 'inherits: a child table is added', before: P, after: `${P} ${C} create index c_extra on c (extra);` },
  { name: 'inherits: a parent and two children are added', before: '', after: `${P} ${C} create table c2 (id int, more text check (more <> '')) inherits (p); create table gc (z int) inherits (c);` },
  { name: 'inherits: the parent gains a column, a check and a new default', before: `${P} ${C}`, after: `create table p (id int not null, name text default 'y', flag boolean, constraint id_pos check (id > 0), constraint name_len check (length(name) < 10)); ${C}` },
  { name: 'inherits: the parent column type changes under the child', before: `${P} ${C}`, after: `create table p (id bigint not null, name text default 'x', constraint id_pos check (id > 0)); ${C}` },
  { name: 'inherits: the child gains its own column and a comment', before: `${P} ${C}`, after: `${P} create table c (extra int, other text) inherits (p); comment on table c is 'child';` },
  { name: 'inherits: a child with two parents', before: `${P} create table q (tag text);`, after: `${P} create table q (tag text); create table c (extra int) inherits (p, q);` },
  { name: 'inherits: the parent gains a column its child already has (merged into the child, left local on the way down)', before: `create table p (id int); create table c (e int) inherits (p);`, after: `create table p (id int, e int); create table c (e int) inherits (p);` },
  { name: 'inherits: the parent and its child gain the same column at once (the child keeps a local definition)', before: `create table p (id int); create table c (x int) inherits (p);`, after: `create table p (id int, e int); create table c (x int, e int) inherits (p);` },
  { name: 'inherits: a parent and its child (sorting after it) gain the same column at once', before: `create table a (id int); create table b (x int) inherits (a);`, after: `create table a (id int, e int); create table b (x int, e int) inherits (a);` },
  { name: 'inherits: a grandparent gains a column a grandchild already has', before: `create table a (id int); create table b () inherits (a); create table c (e int) inherits (b);`, after: `create table a (id int, e int); create table b () inherits (a); create table c (e int) inherits (b);` },
]

export const INHERITANCE_CHANGE_CASES: CorpusCase[] = [
  { name: 'inherits: a table starts and stops inheriting (re-created one way, NO INHERIT the other)', before: `${P} create table c (id int not null, name text default 'x', extra int); create index c_extra on c (extra);`, after: `${P} ${C} create index c_extra on c (extra);` },
  { name: 'inherits: a child stays and its parent is dropped', before: `${P} ${C}`, after: `create table c (id int not null, name text default 'x', extra int, constraint id_pos check (id > 0));` },
  { name: 'inherits: a child gains a second parent whose columns it has', before: `${P} create table q (tag text); ${C}`, after: `${P} create table q (tag text); create table c (extra int, tag text) inherits (p, q);` },
]
