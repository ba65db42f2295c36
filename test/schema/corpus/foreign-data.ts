import type { CorpusCase } from '../harness.ts'

const W = `create foreign data wrapper w options (a '1', b '2');`
const FT = `${W} create server s version '1' foreign data wrapper w options (host 'h', port '1'); create user mapping for current_user server s options (user 'u', password 'p');`

/**
 * Foreign data. A wrapper without a handler can hold servers, user mappings and foreign tables
 * (they cannot be read), so most cases run on PGlite too; postgres_fdw ones are server-only.
 */
export const FOREIGN_DATA_CASES: CorpusCase[] = [
  { name: 'foreign data: a wrapper, a server, user mappings and a foreign table are added', before: '', after: `${W} create server s type 'pg' foreign data wrapper w options (host 'h', port '1'); create user mapping for current_user server s options (user 'u'); create user mapping for public server s; create foreign table ft (id int options (column_name 'x') not null, v text collate "C" default 'a') server s options (table_name 't'); comment on foreign table ft is 'remote'; comment on column ft.v is 'val'; comment on server s is 'srv';` },
  { name: 'foreign data: options are set, added, dropped and reordered; a version changes', before: `${FT} create foreign table ft (id int) server s options (a '1', b '2');`, after: `create foreign data wrapper w options (b '2', a '1'); create server s version '2' foreign data wrapper w options (host 'h2', dbname 'd'); create user mapping for current_user server s options (user 'v'); create foreign table ft (id int) server s options (a '3');` },
  { name: 'foreign data: a foreign table under a view gains a column and its server changes wrapper', before: `${W} create foreign data wrapper w2; create server s2 foreign data wrapper w; create user mapping for public server s2; create foreign table ft (id int) server s2; create view v as select id from ft;`, after: `${W} create foreign data wrapper w2; create server s2 foreign data wrapper w2; create user mapping for public server s2; create foreign table ft (id int, v text) server s2; create view v as select id from ft;` },
  { name: 'foreign data: a postgres_fdw server, user mapping and foreign table are dropped', serverOnly: true, before: `create extension postgres_fdw; create server pg foreign data wrapper postgres_fdw options (host 'localhost', dbname 'x'); create user mapping for current_user server pg options (user 'postgres', password 'secret'); create schema remote; create foreign table remote.t (id int, v text options (column_name 'val')) server pg options (schema_name 'public', table_name 't');`, after: 'create extension postgres_fdw; create schema remote;' },
]
