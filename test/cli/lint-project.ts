/** The two-migration project the lint CLI tests use: a table, then an index, a type change and an ignored rename on it. */
import { chain, migrationFiles } from '../helpers/cli.ts'

export const FILES = migrationFiles(chain([
  { revision: 'aaaa00000001', up: 'CREATE TABLE accounts (id int PRIMARY KEY, email varchar(20), n int);', down: 'DROP TABLE accounts;' },
  {
    revision: 'aaaa00000002',
    up: 'CREATE INDEX accounts_email ON accounts (email);\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(40);\n-- sqlmig-lint: ignore rename the application reads both names\nALTER TABLE accounts RENAME COLUMN n TO m;',
    down: 'DROP INDEX accounts_email;',
  },
]))
export const SECOND = 'migrations/versions/0002_aaaa00000002.up.sql'

