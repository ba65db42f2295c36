/**
 * Writes one benchmark project: N migrations, each a table with 5 columns, a primary key, an
 * index, a foreign key to the previous table and an insert of 10 rows, with the matching down,
 * in every format the bench runs (sqlmig, dbmate, node-pg-migrate, plain psql scripts). The SQL
 * of migration i is the same text in all of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface BenchProject {
  root: string
  n: number
  /** sqlmig project folder (cwd for the CLI); migrations/versions inside. */
  sqlmig: string
  /** All up SQL, in order: for `psql -1 -f`. */
  allUp: string
  /** All up SQL with begin/commit around each migration: for `psql -f`. */
  commitEach: string
  /** All down SQL, newest first: for `psql -1 -f`. */
  allDown: string
  /** All down SQL with begin/commit around each migration: for `psql -f`. */
  downCommitEach: string
  dbmate: string
  pgm: string
}

const table = (i: number) => `t_${String(i).padStart(5, '0')}`

/** Revision id of migration i (12 characters, like `sqlmig create`). */
export const revisionOf = (i: number) => `b${i.toString(16).padStart(11, '0')}`

/** The up SQL of migration i (1-based). */
export function upSql(i: number): string {
  const t = table(i)
  const fk = i > 1 ? ` references ${table(i - 1)} (id)` : ''
  const rows = Array.from({ length: 10 }, (_, k) => `  (${k + 1}, 'row ${k + 1} of ${t}', ${(k + 1) * 1.5}, ${i > 1 ? k + 1 : 'null'}, now())`)
  return [
    `create table ${t} (`,
    `  id bigint primary key,`,
    `  name text not null,`,
    `  amount numeric(12, 2) not null default 0,`,
    `  parent_id bigint${fk},`,
    `  created_at timestamptz not null default now()`,
    `);`,
    `create index ${t}_name_idx on ${t} (name);`,
    `insert into ${t} (id, name, amount, parent_id, created_at) values`,
    `${rows.join(',\n')};`,
    '',
  ].join('\n')
}

/** The down SQL of migration i. */
export function downSql(i: number): string {
  return `drop table ${table(i)};\n`
}

/** Writes the project under `root` (which must not exist yet or be empty). */
export function generateProject(root: string, n: number): BenchProject {
  const p: BenchProject = {
    root,
    n,
    sqlmig: join(root, 'sqlmig'),
    allUp: join(root, 'all-up.sql'),
    commitEach: join(root, 'commit-each.sql'),
    allDown: join(root, 'all-down.sql'),
    downCommitEach: join(root, 'down-commit-each.sql'),
    dbmate: join(root, 'dbmate'),
    pgm: join(root, 'node-pg-migrate'),
  }
  const versions = join(p.sqlmig, 'migrations', 'versions')
  for (const d of [versions, p.dbmate, p.pgm]) mkdirSync(d, { recursive: true })
  const up: string[] = []
  const each: string[] = []
  const down: string[] = []
  const downEach: string[] = []
  const start = Date.UTC(2026, 0, 1)
  for (let i = 1; i <= n; i++) {
    const rev = revisionOf(i)
    const parent = i > 1 ? revisionOf(i - 1) : 'none'
    const stamp = new Date(start + i * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)
    const name = `${stamp}_${rev}_create_${table(i)}`
    const u = upSql(i)
    const d = downSql(i)
    writeFileSync(join(versions, `${name}.up.sql`), `-- revision: ${rev}\n-- down_revision: ${parent}\n-- message: create ${table(i)}\n-- created: ${new Date(start + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}\n\n${u}`)
    writeFileSync(join(versions, `${name}.down.sql`), `-- revision: ${rev}\n\n${d}`)
    // dbmate: <version>_<name>.sql with migrate:up / migrate:down sections.
    writeFileSync(join(p.dbmate, `${stamp}_create_${table(i)}.sql`), `-- migrate:up\n${u}\n-- migrate:down\n${d}`)
    // node-pg-migrate: SQL migrations with "-- Up Migration" / "-- Down Migration" markers.
    writeFileSync(join(p.pgm, `${stamp}_create_${table(i)}.sql`), `-- Up Migration\n${u}\n-- Down Migration\n${d}`)
    up.push(u)
    each.push(`begin;\n${u}commit;\n`)
    down.unshift(d)
    downEach.unshift(`begin;\n${d}commit;\n`)
  }
  writeFileSync(p.allUp, up.join(''))
  writeFileSync(p.commitEach, each.join(''))
  writeFileSync(p.allDown, down.join(''))
  writeFileSync(p.downCommitEach, downEach.join(''))
  return p
}
