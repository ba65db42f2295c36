import type { CorpusCase } from '../harness.ts'

export const TYPE_CASES: CorpusCase[] = [
  { name: 'a schema is added', before: '', after: `create schema billing;` },
  { name: 'a schema with a table is removed', before: `create schema billing; create table billing.invoice (id int);`, after: '' },
  { name: 'a schema gets a comment', before: `create schema billing;`, after: `create schema billing; comment on schema billing is 'money';` },
  { name: 'an extension is added', before: '', after: `create extension citext; create table t (email citext);`, serverOnly: true },
  { name: 'an extension is removed', before: `create extension pgcrypto;`, after: '', serverOnly: true },
  { name: 'an extension in its own schema is added', before: '', after: `create schema ext; create extension hstore with schema ext; create table t (h ext.hstore);`, serverOnly: true },
  { name: 'an extension moves to another schema', before: `create extension hstore; create table t (h hstore);`, after: `create schema ext; create extension hstore schema ext; create table t (h ext.hstore);` },
  { name: 'an extension moves back to public from its own schema', before: `create schema ext; create extension hstore schema ext;`, after: `create schema ext; create extension hstore;` },
  { name: 'a non-relocatable extension (xml2) moves to another schema: dropped and created again', before: `create extension xml2; comment on extension xml2 is 'xpath';`, after: `create schema ext; create extension xml2 schema ext; comment on extension xml2 is 'xpath';`, serverOnly: true },
  { name: 'an enum type is added', before: '', after: `create type mood as enum ('sad', 'ok', 'happy');` },
  { name: 'an enum type is removed', before: `create type mood as enum ('sad', 'ok');`, after: '' },
  { name: 'an enum gains a value at the end', before: `create type mood as enum ('sad', 'ok');`, after: `create type mood as enum ('sad', 'ok', 'happy');` },
  { name: 'an enum gains values at the start and in the middle', before: `create type mood as enum ('sad', 'happy');`, after: `create type mood as enum ('awful', 'sad', 'ok', 'happy');` },
  { name: 'an enum loses a value used by a column', before: `create type mood as enum ('sad', 'ok', 'happy'); create table t (m mood default 'ok');`, after: `create type mood as enum ('sad', 'ok'); create table t (m mood default 'ok');` },
  { name: 'an enum value is added and used as a default at once', before: `create type mood as enum ('sad', 'ok'); create table t (m mood default 'ok');`, after: `create type mood as enum ('sad', 'ok', 'happy'); create table t (m mood default 'happy');` },
  { name: 'an enum value is added and used in a check constraint', before: `create type st as enum ('new', 'done'); create table job (s st, check (s <> 'new'));`, after: `create type st as enum ('new', 'running', 'done'); create table job (s st, check (s <> 'running'));` },
  { name: 'enum values are added to two types and used by a new table and a view', before: `create type st as enum ('new', 'done'); create type pr as enum ('lo'); create table job (s st default 'new');`, after: `create type st as enum ('new', 'running', 'done', 'failed'); create type pr as enum ('lo', 'hi'); create table job (s st default 'running'); create table alert (p pr default 'hi' check (p <> 'lo')); create view failed as select * from job where s = 'failed';` },
  { name: 'enum values are reordered under an indexed array column', before: `create type lvl as enum ('lo', 'hi'); create table t (l lvl, ls lvl[]); create index t_l on t (l);`, after: `create type lvl as enum ('hi', 'lo'); create table t (l lvl, ls lvl[]); create index t_l on t (l);` },
  { name: 'a column changes from text to an enum', before: `create type mood as enum ('sad', 'ok'); create table t (m text);`, after: `create type mood as enum ('sad', 'ok'); create table t (m mood);` },
  { name: 'a column changes from one enum type to another (through text)', before: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y', 'z'); create table t (c ea default 'x', cs ea[], d int);`, after: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y', 'z'); create table t (c eb default 'x', cs eb[], d int);` },
  { name: 'a column changes from a domain over an enum to another enum', before: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y'); create domain da as ea; create table t (c da);`, after: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y'); create domain da as ea; create table t (c eb);` },
  { name: 'columns change from an enum and an enum array to varchar and a domain over another enum', before: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y'); create domain db as eb; create table t (c ea, cs ea[], d ea);`, after: `create type ea as enum ('x', 'y'); create type eb as enum ('x', 'y'); create domain db as eb; create table t (c varchar(5), cs text[], d db);` },
  { name: 'a domain is added and used', before: `create table t (n int);`, after: `create domain posint as int check (value > 0); create table t (n int, p posint);` },
  { name: 'a domain gets a default and not null', before: `create domain code as text;`, after: `create domain code as text default 'x' not null;` },
  { name: 'a domain used by columns, a view and a function changes its base type', before: `create domain amount as int check (value >= 0); create table t (id int, a amount default 0, b amount[]); create view v as select id, a from t; create function f(x amount) returns int language sql as 'select x::int';`, after: `create domain amount as bigint check (value >= 0); create table t (id int, a amount default 0, b amount[]); create view v as select id, a from t; create function f(x amount) returns int language sql as 'select x::int';` },
  { name: 'a domain in use changes its collation and not null', before: `create domain label as text; create table t (l label);`, after: `create domain label as text collate "C" not null; create table t (l label);` },
  { name: 'a domain check changes', before: `create domain posint as int constraint pos check (value > 0);`, after: `create domain posint as int constraint pos check (value >= 0) constraint small check (value < 100);` },
  { name: 'a sequence is added', before: '', after: `create sequence counter start 10 increment 2;` },
  { name: 'a sequence is removed', before: `create sequence counter;`, after: '' },
  { name: 'sequence options change', before: `create sequence counter;`, after: `create sequence counter as integer minvalue 5 maxvalue 500 start 7 cache 3 cycle;` },
  { name: 'a sequence is used as a default', before: `create sequence ids; create table t (id bigint);`, after: `create sequence ids; create table t (id bigint default nextval('ids'));` },
  { name: 'a sequence becomes owned by a column', before: `create sequence ids; create table t (id bigint);`, after: `create sequence ids; create table t (id bigint); alter sequence ids owned by t.id;` },
]

const FR = `create function fdiff(a float8, b float8) returns float8 language sql immutable as 'select a - b';`

export const RANGE_CASES: CorpusCase[] = [
  { name: 'range types: a range type is added and used by a table', before: '', after: `create type floatrange as range (subtype = float8, subtype_diff = float8mi); create table r (id int, span floatrange, spans floatmultirange); comment on type floatrange is 'R';` },
  { name: 'range types: ranges with a collation, an opclass, a user diff function and a multirange name', before: '', after: `${FR} create type textrange as range (subtype = text, collation = "C"); create type fr2 as range (subtype = float8, subtype_diff = fdiff, multirange_type_name = fr2_many); create type tsr as range (subtype = timestamp);` },
  { name: 'range types: an unused range type changes its subtype and comment', before: `create type myrange as range (subtype = int4); comment on type myrange is 'a';`, after: `create type myrange as range (subtype = int8); comment on type myrange is 'b';` },
  { name: 'range types: a comment changes on a range in use', before: `create type floatrange as range (subtype = float8); create table r (span floatrange);`, after: `create type floatrange as range (subtype = float8); create table r (span floatrange); comment on type floatrange is 'spans';` },
]

export const COLLATION_CASES: CorpusCase[] = [
  { name: 'collations: ICU and libc collations are added and used by a column and a domain', before: '', after: `create collation german (provider = icu, locale = 'de-u-co-phonebk'); create collation ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false); create collation posix_c (provider = libc, locale = 'C'); create table t (a text collate german, b text collate ci); create domain d as text collate posix_c; comment on collation german is 'phone book';` },
  { name: 'collations: an unused collation changes its locale', before: `create collation x (provider = icu, locale = 'de');`, after: `create collation x (provider = icu, locale = 'fr');` },
  { name: 'collations: a column switches to a new collation and the old one goes', before: `create collation a1 (provider = icu, locale = 'de'); create table t (s text collate a1);`, after: `create collation a2 (provider = icu, locale = 'sv'); create table t (s text collate a2);` },
]
