/**
 * `sqlmig lint`: the static review of migrations (src/lint/) over the pending migrations (the
 * database says which), all of them (--all) or given files, sized by the database's table sizes
 * when one is opened (read only: pg_class.reltuples, pg_stat_user_tables.n_live_tup).
 */
import { resolve } from 'node:path'
import { type Config, loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { UsageError } from '../errors.ts'
import { nodeFileSource } from '../files/file-source.ts'
import { parseHeader } from '../files/header.ts'
import type { Script } from '../files/script.ts'
import { type LintFile, lintFiles, type LintReport, type LintSettings } from '../lint/engine.ts'
import { RULE_IDS } from '../lint/rules/all.ts'
import { peekApplied } from '../runner/version-table.ts'
import { hinting } from './hints.ts'
import { type CommonOptions, openProject, withDatabase, withProjectDatabase } from './project.ts'

export interface LintOptions extends CommonOptions {
  /** Every migration, not only the pending ones (no database needed). */
  all?: boolean | undefined
  /** These files instead of the project's migrations. */
  files?: string[] | undefined
}

export interface LintResult extends LintReport {
  /** The database the pending set and the table sizes came from; undefined: none opened (sizes unknown). */
  database: string | undefined
  /** The files linted, in run order. */
  linted: string[]
}

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  return await hinting(undefined, () => unhintedLint(options))
}

const fileOf = (s: Script): LintFile => ({ path: s.up.path, text: s.up.text, transaction: s.up.transaction, lockTimeout: s.up.lockTimeout })

function settingsOf(config: Config): LintSettings {
  for (const id of Object.keys(config.lint.rules ?? {})) {
    if (!RULE_IDS.includes(id)) {
      throw new UsageError(`Unknown lint rule "${id}" in sqlmig.json`, { hint: `Use one of: ${RULE_IDS.join(', ')}` })
    }
  }
  return { rules: config.lint.rules, smallTableRows: config.lint.smallTableRows, lockTimeout: config.pgLockTimeout, transaction: config.transaction }
}

async function unhintedLint(options: LintOptions): Promise<LintResult> {
  const config = loadConfig(options)
  const settings = settingsOf(config)
  if (options.files?.length) {
    const files = options.files.map((p) => explicitFile(p, config.cwd))
    return await sized(config, options, files, settings)
  }
  if (options.all) {
    const project = openProject(options)
    const files = project.graph.topological().map((id) => fileOf(project.scripts.get(id)!))
    return await sized(config, options, files, settings)
  }
  return await withProjectDatabase(options, async (project, db) => {
    const applied = new Set((await peekApplied(db, project.versionTable) ?? []).map((a) => a.revision))
    const files = project.graph.topological().filter((id) => !applied.has(id)).map((id) => fileOf(project.scripts.get(id)!))
    return await run(files, { ...settings, ...(await databaseFacts(db)) }, db.description)
  }, {}, undefined, undefined, config)
}

/** --all and paths: with --url, sizes from that database; else none. */
async function sized(config: Config, options: LintOptions, files: LintFile[], settings: LintSettings): Promise<LintResult> {
  if (options.url === undefined) return await run(files, settings, undefined)
  return await withDatabase(config, options, async (db) => await run(files, { ...settings, ...(await databaseFacts(db)) }, db.description))
}

async function run(files: LintFile[], settings: LintSettings, database: string | undefined): Promise<LintResult> {
  return { ...(await lintFiles(files, settings)), database, linted: files.map((f) => f.path) }
}

function explicitFile(path: string, cwd: string): LintFile {
  let text: string
  try {
    text = nodeFileSource.read(resolve(cwd, path))
  } catch (error) {
    throw new UsageError(`Cannot read "${path}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { hint: 'Give paths of SQL files, or no path to lint the pending migrations' })
  }
  const header = new Map(parseHeader(text).entries.map((e) => [e.key, e.value]))
  return { path, text, transaction: header.get('transaction')?.toLowerCase() !== 'false', lockTimeout: header.get('lock_timeout') || undefined }
}

/** Table sizes, column types and indexes of the database, read only. */
async function databaseFacts(db: Database): Promise<Pick<LintSettings, 'sizes' | 'schema'>> {
  const user = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'"
  const tables = await db.query<{ relname: string; rows: string | number }>(
    `select c.relname, greatest(c.reltuples, coalesce(s.n_live_tup, 0), 0)::bigint as rows
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       left join pg_stat_user_tables s on s.relid = c.oid
      where c.relkind in ('r', 'p', 'm') and ${user}`,
  )
  const columns = await db.query<{ relname: string; attname: string; type: string }>(
    `select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and ${user}`,
  )
  const indexes = await db.query<{ index: string; table: string }>(
    `select i.relname as index, c.relname as table
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
      where ${user}`,
  )
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`
  const text = [
    ...columns.map((c) => `ALTER TABLE ${q(c.relname)} ADD COLUMN ${q(c.attname)} ${c.type};`),
    ...indexes.map((i) => `CREATE INDEX ${q(i.index)} ON ${q(i.table)} (x);`),
  ].join('\n')
  return {
    sizes: new Map(tables.map((t) => [t.relname, Number(t.rows)])),
    schema: [{ path: '(database)', text, transaction: true }],
  }
}
