/**
 * `sqlmig import <folder> --from <tool>`: another tool's file-based history written as sqlmig
 * migrations into versions/, one revision per source migration, in the source's order. Either
 * every file is written, or (something unmappable, a conflict) none.
 */
import { ImportConflict, UnmappableSourceError, UsageError } from '../errors.ts'
import { nodeFileSource } from '../files/file-source.ts'
import { versionsDir } from '../files/script-directory.ts'
import { readSourceFolder, type SourceFolder } from '../files/source-folder.ts'
import { loadConfig } from '../config.ts'
import { readAlembicProject } from '../files/alembic-project.ts'
import { fromAlembicProject } from '../import/alembic.ts'
import { readDbmate } from '../import/dbmate.ts'
import { readFlyway } from '../import/flyway.ts'
import { readGolangMigrate } from '../import/golang-migrate.ts'
import { readGoose } from '../import/goose.ts'
import { readGraphileMigrate } from '../import/graphile-migrate.ts'
import { buildImportedScripts } from '../import/imported-files.ts'
import { readNodePgMigrate } from '../import/node-pg-migrate.ts'
import { readSqitch } from '../import/sqitch.ts'
import { IMPORT_TOOLS, type ImportTool, type SourceHistory } from '../import/source-history.ts'
import { writeImportedFiles } from '../import/write-imported.ts'

export interface ImportOptions {
  /** The tool the folder belongs to. */
  from?: string | undefined
  /** sqlmig's migrations folder (holding versions/); default from sqlmig.json, else "migrations". */
  dir?: string | undefined
  cwd?: string | undefined
  /** Alembic only: the database URL env.py renders the offline SQL for (its dialect; nothing connects). */
  url?: string | undefined
}

export interface ImportedMigration {
  /** The source file ("old name"). */
  source: string
  /** The version the tool records for it. */
  version: string
  revision: string
  down_revision: string[]
  message: string
  created: string | undefined
  /** Paths of the sqlmig files. */
  up: string
  down: string
  /** False: the up runs outside a transaction (`transaction_reason` says why). */
  transaction: boolean
  transaction_reason: string | undefined
  down_transaction: boolean
  /** The source has no down: the down file is `-- irreversible`. */
  irreversible: boolean
  /** "written", or "unchanged" when a re-import found the files as they were. */
  status: 'written' | 'unchanged'
}

export interface ImportResult {
  from: ImportTool
  source: string
  /** The versions/ folder written into. */
  versions: string
  imported: ImportedMigration[]
  /** Files written (two per new revision). */
  written: number
  /** Files found already imported, as they would be written. */
  unchanged: number
  /** Files in the source folder the tool itself ignores, left alone. */
  skipped: string[]
  /** What the source has that sqlmig does not keep and need not (Alembic branch labels, ...). */
  notes: string[]
}

const READERS: Record<Exclude<ImportTool, 'alembic'>, { read: (folder: SourceFolder) => SourceHistory; recursive: boolean }> = {
  'golang-migrate': { read: readGolangMigrate, recursive: false },
  dbmate: { read: readDbmate, recursive: false },
  goose: { read: readGoose, recursive: false },
  flyway: { read: readFlyway, recursive: true },
  'node-pg-migrate': { read: readNodePgMigrate, recursive: false },
  sqitch: { read: readSqitch, recursive: true },
  'graphile-migrate': { read: readGraphileMigrate, recursive: true },
}

/** The source's history; skipped files as paths. */
function readHistory(tool: ImportTool, source: string, url: string | undefined): SourceHistory {
  if (tool === 'alembic') {
    if (!readSourceFolder(source)) throw new UsageError(`Cannot find the folder "${source}"`, { hint: 'Name the Alembic script folder (the one holding env.py and versions/)' })
    let project
    try {
      project = readAlembicProject(source, url)
    } catch (error) {
      if (!(error instanceof UnmappableSourceError)) throw error
      throw new UnmappableSourceError(error.message, error.spots, {
        hint: url === undefined ? 'Fix what Alembic reports, or pass --url with the database URL env.py needs for its dialect' : 'Fix what Alembic reports (python3 -m alembic upgrade heads --sql must work in that folder)',
      })
    }
    return fromAlembicProject(project, (rel) => nodeFileSource.join(source, rel))
  }
  const reader = READERS[tool]
  const folder = readSourceFolder(source, reader.recursive)
  if (!folder) throw new UsageError(`Cannot find the folder "${source}"`, { hint: `Name the folder that holds the ${tool} migrations` })
  const history = reader.read(folder)
  return { ...history, skipped: history.skipped.map((n) => folder.path(n)) }
}

function toolOf(from: string | undefined): ImportTool {
  if (from === undefined) throw new UsageError('Missing --from: which tool wrote these migrations?', { hint: `Add --from ${IMPORT_TOOLS.join('|')}` })
  if (!(IMPORT_TOOLS as readonly string[]).includes(from)) throw new UsageError(`Cannot import from "${from}": not a tool sqlmig imports`, { hint: `Use --from ${IMPORT_TOOLS.join('|')}` })
  return from as ImportTool
}

/**
 * Imports a golang-migrate, dbmate, goose, Flyway, node-pg-migrate, sqitch or graphile-migrate folder, or an Alembic project, into versions/:
 * every file, or (something unmappable, a conflict) none.
 * @param source the folder holding the other tool's migrations
 * @param options `from`: the tool; `dir`: sqlmig's migrations folder (default from sqlmig.json, else "migrations"); `url`: for Alembic, the database URL env.py renders SQL for
 * @returns each source migration with its revision and the files written for it
 * @example
 * ```ts
 * import { importHistory } from 'sqlmig'
 * const r = importHistory('db/migrations', { from: 'dbmate' })
 * for (const m of r.imported) console.log(`${m.source} -> ${m.revision}`)
 * ```
 * @throws UsageError (exit 2) for a missing or unknown --from, or a missing folder
 * @throws UnmappableSourceError (exit 5) listing every file:line that cannot be mapped; nothing written
 * @throws ImportConflict (exit 2) when versions/ holds other migrations or edited imported files; nothing written
 */
export function importHistory(source: string, options: ImportOptions = {}): ImportResult {
  const tool = toolOf(options.from)
  const history = readHistory(tool, source, options.url)
  const built = buildImportedScripts(tool, history.migrations)
  const spots = [...history.spots, ...built.spots]
  if (spots.length) {
    throw new UnmappableSourceError(`Cannot import from ${tool}: ${spots.length} place${spots.length === 1 ? '' : 's'} cannot be mapped faithfully; nothing was written`, spots, {
      hint: 'Change each file listed above in the source folder (or move it out), then run the import again',
    })
  }
  if (built.scripts.length === 0) throw new UsageError(`No ${tool} migrations in "${source}"`, { hint: `Name the folder that holds the ${tool} migration files` })
  const config = loadConfig({ dir: options.dir, cwd: options.cwd })
  const versions = versionsDir(nodeFileSource, config.dir)
  let outcome
  try {
    outcome = writeImportedFiles(nodeFileSource, versions, built.scripts.flatMap((s) => [s.up, s.down]))
  } catch (error) {
    if (error instanceof ImportConflict) {
      throw new ImportConflict(`${error.message}; nothing was written`, error.conflicts, 'Import into an empty migrations folder (--dir), or remove the files listed above')
    }
    throw error
  }
  const unchanged = new Set(outcome.unchanged)
  return {
    from: tool,
    source,
    versions,
    imported: built.scripts.map((s) => {
      const up = nodeFileSource.join(versions, s.up.name)
      return {
        source: s.source.up.file,
        version: s.source.version,
        revision: s.revision,
        down_revision: s.parents,
        message: s.source.message,
        created: s.source.created?.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        up,
        down: nodeFileSource.join(versions, s.down.name),
        transaction: s.up.transaction,
        transaction_reason: s.up.transactionReason,
        down_transaction: s.down.transaction,
        irreversible: s.irreversible,
        status: unchanged.has(up) ? 'unchanged' : 'written',
      }
    }),
    written: outcome.written.length,
    unchanged: outcome.unchanged.length,
    skipped: history.skipped,
    notes: history.notes ?? [],
  }
}
