/**
 * `sqlmig pull`: the live database's schema written as the declared schema (what autogenerate
 * and `check` compare against), as the CREATE statements the differ writes for a database that
 * has nothing yet: dependency-ordered, each under its "-- Detected ..." line. One file, or with
 * `split` one file per run of schema and kind, numbered in load order. sqlmig's version table is
 * left out; the public schema a new database already has is not created.
 */
import { relative } from 'node:path'
import type { Database } from '../db/database.ts'
import { UsageError } from '../errors.ts'
import { isFolder, readTextIfExists, removeFile, writeSqlFiles } from '../files/project-files.ts'
import type { Change } from '../schema/diff/change.ts'
import { diffModels } from '../schema/diff-models.ts'
import { introspect } from '../schema/introspect.ts'
import { emptyModel, type SchemaModel } from '../schema/model.ts'
import { omitLargeObjects, omitVersionTable } from '../schema/omit-version-table.ts'
import { renderChanges } from '../schema/render.ts'
import { otherToolTables } from './adopt-sources.ts'
import { declaredSchemaPath, defaultSchemaFolder } from './declared-schema.ts'
import { embeddedOpenOptions } from './embedded.ts'
import { hinting } from './hints.ts'
import { type CommonOptions, openProject, type Project, withDatabase } from './project.ts'

export interface PullOptions extends CommonOptions {
  /** One file per schema and kind, in a folder (the configured schema folder, else `<dir>/schema/`). */
  split?: boolean | undefined
}

export interface PullResult {
  /** The files written, in load order. */
  files: string[]
  /** Files of an earlier pull (or the single file a split pull replaces) removed. */
  removed: string[]
  /** How many objects the schema creates. */
  objects: number
  /** Objects sqlmig does not model: not in the files (write them by hand). */
  not_modelled: string[]
  database: string
}

/** What a database that has nothing yet holds: no objects, the public schema and plpgsql as the live one has them. */
function freshModel(live: SchemaModel): SchemaModel {
  const m = emptyModel()
  if (live.schemas.public) m.schemas.public = live.schemas.public
  if (live.extensions.plpgsql) m.extensions.plpgsql = live.extensions.plpgsql
  const acl = live.security?.['SCHEMA public']
  if (acl) m.security = { 'SCHEMA public': acl }
  return m
}

export interface PulledSchema {
  /** Changes that build the schema on a fresh database. */
  up: Change[]
  /** Changes that drop it again. */
  down: Change[]
  database: string
}

/**
 * The live schema as changes from a fresh database (and back), without sqlmig's version table
 * and the other tools' (schema_migrations, flyway_schema_history...: no migration builds them).
 */
export async function pullChanges(project: Project, db: Database): Promise<PulledSchema> {
  const live = omitLargeObjects(await introspect(db))
  const base = freshModel(live)
  let model = omitVersionTable(live, project.versionTable, base)
  for (const t of await otherToolTables(db)) model = omitVersionTable(model, t, base)
  return { up: diffModels(base, model), down: diffModels(model, base), database: db.description }
}

/** Opens the project's database with what introspection needs and pulls its schema. */
export async function withPulledSchema<T>(options: CommonOptions, fn: (project: Project, pulled: PulledSchema, db: Database) => Promise<T>): Promise<T> {
  const project = openProject(options)
  return await withDatabase(project.config, options, async (db) => await fn(project, await pullChanges(project, db), db), { arrays: true, ...embeddedOpenOptions(project, project.config.url) })
}

const HEADER = (database: string) => `-- The declared schema, pulled from ${database} by "sqlmig pull".\n-- Edit it and run "sqlmig create <message>" to autogenerate the migration that gets there.\n\n`

/** The key a change is filed under with `split`: its schema (from the display name) and kind. */
function fileKey(c: Change): string {
  const schema = c.kind === 'schema' ? c.name : /^("(?:[^"]|"")+"|[^.]+)\./.exec(c.name)?.[1] ?? 'database'
  return `${schema.replace(/"/g, '')}_${c.kind}`.replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase()
}

/** Consecutive runs of the same schema and kind, numbered: load order stays the dependency order. */
function splitFiles(changes: Change[], database: string): { name: string; text: string }[] {
  const runs: { key: string; changes: Change[] }[] = []
  for (const c of changes) {
    const key = fileKey(c)
    const last = runs[runs.length - 1]
    if (last && last.key === key) last.changes.push(c)
    else runs.push({ key, changes: [c] })
  }
  const width = String(runs.length).length < 3 ? 3 : String(runs.length).length
  return runs.map((r, i) => ({ name: `${String(i + 1).padStart(width, '0')}_${r.key}.sql`, text: `${HEADER(database)}${renderChanges(r.changes).sql}` }))
}

/** Writes the live database's schema as the declared schema. */
export async function pull(options: PullOptions = {}): Promise<PullResult> {
  return await hinting('pull', () =>
    withPulledSchema(options, async (project, pulled) => {
      const config = project.config
      const show = (p: string) => relative(config.cwd, p) || p
      const configured = declaredSchemaPath(config)
      const changes = pulled.up.filter((c) => !c.unmodelled)
      const notModelled = pulled.up.filter((c) => c.unmodelled).map((c) => c.detected || c.name)
      let out
      let removed: string[] = []
      if (options.split) {
        const folder = isFolder(configured) || configured !== config.schema || !configured.endsWith('.sql') ? configured : defaultSchemaFolder(config)
        out = writeSqlFiles(folder, splitFiles(changes, pulled.database), true)
        // The default file would win over the folder: the folder replaces it.
        if (folder === defaultSchemaFolder(config) && !isFolder(config.schema) && readTextIfExists(config.schema) !== undefined) {
          removed = [config.schema]
          removeFile(config.schema)
        }
      } else {
        if (isFolder(configured)) {
          throw new UsageError(`Cannot pull into "${show(configured)}": the declared schema is a folder`, { hint: 'Add --split to write one file per schema and kind into it' })
        }
        out = writeSqlFiles(configured, [{ name: '', text: `${HEADER(pulled.database)}${renderChanges(changes).sql}` }], false)
      }
      return {
        files: out.written.map(show),
        removed: [...out.removed, ...removed].map(show),
        objects: changes.filter((c) => c.detected !== '').length,
        not_modelled: notModelled,
        database: pulled.database,
      }
    }))
}
