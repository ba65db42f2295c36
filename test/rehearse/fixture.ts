/**
 * The rehearsal fixture: a first migration that builds a source database (a 100,000-row table
 * and a few others), then five pending migrations that each do something rehearse must notice.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { chain, type MigrationSpec } from '../helpers/cli.ts'

export const BASE: Omit<MigrationSpec, 'parents'> = {
  revision: 'aaaaaaaaaaa0',
  message: 'Source tables',
  up: `create table big (id int primary key, n int not null, label text);
insert into big select g, g % 1000, 'row ' || g from generate_series(1, 100000) g;
create table small (id int primary key, name text);
insert into small values (1, 'a'), (2, 'b');
create table empty_t (id int);`,
  down: 'drop table big, small, empty_t;',
}

export const PENDING: Omit<MigrationSpec, 'parents'>[] = [
  { revision: 'aaaaaaaaaaa1', message: 'Add a nullable column', up: 'alter table big add column nickname text;', down: 'alter table big drop column nickname;' },
  {
    revision: 'bbbbbbbbbbb2',
    message: 'Add a column with a volatile default',
    up: 'alter table big add column created_at timestamptz not null default clock_timestamp();',
    down: 'alter table big drop column created_at;',
  },
  { revision: 'ccccccccccc3', message: 'Change a column type', up: 'alter table big alter column n type bigint;', down: 'alter table big alter column n type int;' },
  {
    revision: 'ddddddddddd4',
    message: 'Index concurrently',
    upHeader: '-- transaction: false',
    downHeader: '-- transaction: false',
    up: 'create index concurrently big_label_idx on big (label);',
    down: 'drop index concurrently big_label_idx;',
  },
  {
    revision: 'eeeeeeeee5ee',
    message: 'A wrong down',
    up: 'alter table small add column note text;\ncreate index small_name_idx on small (name);',
    down: 'alter table small drop column note;',
  },
]

export const SPECS: MigrationSpec[] = chain([BASE, ...PENDING])

/** What --json must say per migration; numbers that vary are checked separately (see normalise). */
export function expectedMigrations(options: { cicLocks: boolean }) {
  const big = (rows = 100000) => [{ table: 'public.big', rows, rows_from: 'count', bytes: 'B' }]
  const lock = (table: string, mode: string) => [{ table, mode, held_seconds: 'S' }]
  return [
    { revision: 'aaaaaaaaaaa1', message: 'Add a nullable column', seconds: 'S', rewritten: [], locks: lock('public.big', 'ACCESS EXCLUSIVE'), down_restores_schema: true },
    { revision: 'bbbbbbbbbbb2', message: 'Add a column with a volatile default', seconds: 'S', rewritten: big(), locks: lock('public.big', 'ACCESS EXCLUSIVE'), down_restores_schema: true },
    { revision: 'ccccccccccc3', message: 'Change a column type', seconds: 'S', rewritten: big(), locks: lock('public.big', 'ACCESS EXCLUSIVE'), down_restores_schema: true },
    { revision: 'ddddddddddd4', message: 'Index concurrently', seconds: 'S', rewritten: [], locks: options.cicLocks ? lock('public.big', 'SHARE UPDATE EXCLUSIVE') : [], down_restores_schema: true },
    { revision: 'eeeeeeeee5ee', message: 'A wrong down', seconds: 'S', rewritten: [], locks: lock('public.small', 'ACCESS EXCLUSIVE'), down_restores_schema: false },
  ]
}

/** Replaces measured numbers by markers after checking them: seconds → "S", bytes > 0 → "B". */
export function normalise(migrations: any[]): any[] {
  const secs = (n: unknown) => (typeof n === 'number' && n >= 0 && n < 120 ? 'S' : n)
  return migrations.map((m) => ({
    ...m,
    seconds: secs(m.seconds),
    rewritten: m.rewritten.map((w: any) => ({ ...w, bytes: typeof w.bytes === 'number' && w.bytes > 0 ? 'B' : w.bytes })),
    locks: m.locks.map((l: any) => ({ ...l, held_seconds: secs(l.held_seconds) })),
  }))
}

/** Schema text (pg_dump --schema-only), row counts and version rows of a server database. */
export async function snapshot(url: string): Promise<{ schema: string; counts: Record<string, number>; versions: unknown[] }> {
  // pg_dump 15.14+ brackets the script with \restrict <random key> lines: leave them out.
  const schema = execFileSync(realTool('pg_dump'), ['--schema-only', `--dbname=${url}`], { encoding: 'utf8' }).replace(/^\\(un)?restrict .*$/gm, '')
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const counts: Record<string, number> = {}
    const tables = await sql<{ t: string }[]>`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' order by 1`
    for (const { t } of tables) counts[t] = Number((await sql.unsafe(`select count(*)::int as n from "${t}"`))[0]!.n)
    const versions = tables.some((t) => t.t === 'sqlmig_version')
      ? [...await sql`select revision, checksum, applied_at::text, applied_order::text from sqlmig_version order by applied_order`]
      : []
    return { schema, counts, versions }
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** Databases on the server whose name starts with `<source>_rehearsal_`. */
export async function copiesOf(adminUrl: string, source: string): Promise<string[]> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<{ d: string }[]>`select datname as d from pg_database where starts_with(datname, ${`${source}_rehearsal_`})`
    return rows.map((r) => r.d)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** Where the real client tool is (the fakes below wrap it). */
export function realTool(tool: 'pg_dump' | 'pg_restore'): string {
  return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim()
}

/**
 * A folder of fake client tools for PATH: `pg_dump`/`pg_restore` wrappers that log their argv and
 * whether PGPASSWORD was set to `log`, then run the real one; or one that prints an old version.
 */
export function fakeTools(dir: string, kind: 'logging' | 'old' | 'failing', log = join(dir, 'argv.log')): string {
  mkdirSync(dir, { recursive: true })
  for (const tool of ['pg_dump', 'pg_restore']) {
    const body = kind === 'logging'
      ? `echo "${tool} argv: $*" >> '${log}'\necho "${tool} PGPASSWORD set: \${PGPASSWORD:+yes}" >> '${log}'\nexec '${realTool(tool as 'pg_dump')}' "$@"`
      : kind === 'old'
      ? `echo "${tool} (PostgreSQL) 12.22"`
      : `if [ "$1" = "--version" ]; then exec '${realTool(tool as 'pg_dump')}' --version; fi\necho "${tool}: error: simulated failure" >&2\nexit 1`
    writeFileSync(join(dir, tool), `#!/bin/sh\n${body}\n`)
    chmodSync(join(dir, tool), 0o755)
  }
  return dir
}
