/**
 * `sqlmig baseline -m <message>`: a database that has a schema but no history gets one: a
 * migration whose up builds the schema it has (what `pull` writes) and whose down drops all of
 * it (under "-- WARNING: destructive"), recorded as applied on that database without running.
 * `upgrade` there is then a no-op, and a fresh database upgraded gets the same schema.
 */
import { SqlmigError, UsageError } from '../errors.ts'
import { nodeFileSource } from '../files/file-source.ts'
import { newRevisionId, versionsDir, writeScriptPair } from '../files/script-directory.ts'
import { loadConfig } from '../config.ts'
import { readApplied } from '../runner/version-table.ts'
import { renderChanges } from '../schema/render.ts'
import { hinting } from './hints.ts'
import { type CommonOptions, lockTimeoutMs, openProject, withDatabase } from './project.ts'
import { pullChanges } from './pull.ts'
import { embeddedOpenOptions } from './embedded.ts'

export interface BaselineOptions extends CommonOptions {
  /** The migration's message. */
  message: string
  /** The revision id (default: a new random one). */
  revision?: string | undefined
  /** The `created` time (default: now). */
  now?: Date | undefined
}

export interface BaselineResult {
  revision: string
  up: string
  down: string
  /** How many objects the up creates. */
  objects: number
  /** Objects sqlmig does not model: not in the migration (add them by hand). */
  not_modelled: string[]
  database: string
}

const DOWN_NOTE = '-- WARNING: destructive: this down drops every object the baseline created, and the data in them.\n\n'

/** Writes the baseline migration of the database and records it there as applied. */
export async function baseline(options: BaselineOptions): Promise<BaselineResult> {
  return await hinting('baseline', async () => {
    if (!options.message?.trim()) throw new UsageError('Cannot write a baseline without a message', { hint: 'Add -m "Baseline"' })
    // A project without versions/ yet (no `sqlmig init`): the baseline is its first migration.
    nodeFileSource.mkdirp(versionsDir(nodeFileSource, loadConfig(options).dir))
    const project = openProject(options)
    if (project.graph.topological().length > 0) {
      throw new UsageError(`Cannot baseline: ${project.config.dir} already holds ${project.graph.topological().length} revisions (a baseline starts a history)`, {
        hint: 'For a database those migrations built, record them without running them: "sqlmig stamp <revision>"',
      })
    }
    return await withDatabase(project.config, options, async (db) => {
      const had = (await readApplied(db, project.versionTable)).map((r) => r.revision)
      if (had.length) {
        throw new SqlmigError('ALREADY_VERSIONED', `Cannot baseline: sqlmig's version table ${tableName(project.versionTable)} already records ${had.length} revision${had.length === 1 ? '' : 's'} in ${db.description}`, {
          data: { table: tableName(project.versionTable), revisions: had },
        })
      }
      const pulled = await pullChanges(project, db)
      const up = pulled.up.filter((c) => !c.unmodelled)
      const down = pulled.down.filter((c) => !c.unmodelled)
      const revision = options.revision ?? newRevisionId()
      const written = writeScriptPair(nodeFileSource, project.config.dir, {
        revision,
        parents: [],
        message: options.message,
        created: options.now ?? new Date(),
        upBody: renderChanges(up).sql,
        downBody: `${DOWN_NOTE}${renderChanges(down).sql}`,
      })
      const script = openProject(options).scripts.get(revision)!
      const { replaceVersionRows } = await import('../runner/replace-versions.ts')
      await replaceVersionRows({
        db,
        versionTable: project.versionTable,
        rows: (before) => {
          if (before.length) throw new SqlmigError('ALREADY_VERSIONED', `Cannot baseline: another run recorded revisions meanwhile`, { data: { table: tableName(project.versionTable), revisions: before.map((r) => r.revision) } })
          return [{ revision, parents: [], message: script.message, checksum: script.checksum, executionMs: 0 }]
        },
        lockTimeoutMs: lockTimeoutMs(options),
        onEvent: options.onEvent,
        signal: options.signal,
      })
      return {
        revision,
        up: written.upPath,
        down: written.downPath,
        objects: up.filter((c) => c.detected !== '').length,
        not_modelled: pulled.up.filter((c) => c.unmodelled).map((c) => c.detected || c.name),
        database: db.description,
      }
    }, { arrays: true, ...embeddedOpenOptions(project, project.config.url) })
  })
}

const tableName = (t: { schema: string; table: string }): string => `${t.schema}.${t.table}`
