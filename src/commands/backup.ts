/**
 * `sqlmig backup <dir>`: a restorable backup named after the database, its current revision and
 * the time. Server: `pg_dump --format=custom` (restored by pg_restore). PGlite: its data
 * directory as .tar.gz (extract it and point pglite: at the folder).
 */
import { toGraphApplied } from '../graph/applied-revision.ts'
import { basename, isAbsolute, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { relativeTarMembers } from '../db/tar-names.ts'
import { utcStamp } from '../db/copy.ts'
import type { Database } from '../db/database.ts'
import { isPgliteUrl } from '../db/open.ts'
import { dumpToFile, pgConnection, requireTools, shellQuote } from '../db/pg-tools.ts'
import { planUpgrade } from '../graph/plan.ts'
import { nodeFileSource } from '../files/file-source.ts'
import { writeFileAtomically } from '../files/project-files.ts'
import { readApplied, type VersionTableName } from '../runner/version-table.ts'
import { type CommonOptions, openProject, pgliteLockOptions, withDatabase } from './project.ts'
import { loadConfig } from '../config.ts'
import { hinting } from './hints.ts'

export interface BackupOptions extends CommonOptions {
  /** Folder the backup is written to (created if missing; relative to cwd). */
  folder: string
}

export interface BackupResult {
  /** Path of the backup file. */
  file: string
  bytes: number
  database: string
  /** Current revision(s) of the database at the time of the backup (empty: base). */
  revision: string[]
  /** How to restore it (a shell command; no password in it). */
  restore: string
}

/** Heads of the applied set from the version rows alone (no migration files needed). */
async function currentRevisions(db: Database, name: VersionTableName): Promise<string[]> {
  const applied = await readApplied(db, name)
  const parents = new Set(applied.flatMap((a) => a.parents))
  return applied.filter((a) => !parents.has(a.revision)).map((a) => a.revision)
}

/** Writes a backup of the configured database into `options.folder`; returns where and how to restore it. */
export async function backup(options: BackupOptions): Promise<BackupResult> {
  return await hinting('backup', () => unhintedBackup(options))
}

async function unhintedBackup(options: BackupOptions): Promise<BackupResult> {
  const config = loadConfig(options)
  const name = { schema: config.versionSchema, table: config.versionTable }
  const folder = options.cwd && !isAbsolute(options.folder) ? join(options.cwd, options.folder) : options.folder
  const { revision, major, database } = await withDatabase(config, options, async (db) => ({
    revision: await currentRevisions(db, name),
    major: db.kind === 'postgres' ? Math.floor(Number((await db.query<{ v: string }>(`select current_setting('server_version_num') as v`))[0]?.v) / 10000) : 0,
    database: db.kind === 'postgres' ? db.name : basename(db.name),
  }))
  const stem = `${database}-${revision.length ? revision.join('+') : 'base'}-${utcStamp()}`
  nodeFileSource.mkdirp(folder)
  options.onInfo?.(`Backing up "${database}" into ${folder} (${isPgliteUrl(config.url) ? 'its data directory as .tar.gz' : 'pg_dump --format=custom'})`)
  if (isPgliteUrl(config.url)) {
    const location = config.url.slice('pglite:'.length).replace(/^\/\//, '')
    const file = join(folder, `${stem}.tar.gz`)
    const { dumpPgliteDir } = await import('../db/pglite-dump.ts')
    const archive = await dumpPgliteDir(location, 'none', pgliteLockOptions(options, config))
    // Relative member names (PGlite writes "/PG_VERSION"): extracting with -C puts the database there.
    const bytes = writeFileAtomically(file, gzipSync(relativeTarMembers(new Uint8Array(await archive.arrayBuffer()))))
    const restored = `${database}-restored`
    return {
      file,
      bytes,
      database,
      revision,
      restore: `mkdir ${shellQuote(restored)} && tar -xzf ${shellQuote(file)} -C ${shellQuote(restored)}   # then use --url pglite:${restored}`,
    }
  }
  await requireTools(['pg_dump'], major, `back up database "${database}"`)
  const conn = pgConnection(config.url)
  const file = join(folder, `${stem}.dump`)
  const bytes = await dumpToFile(conn, file, `back up database "${database}"`)
  return {
    file,
    bytes,
    database,
    revision,
    restore: `pg_restore --clean --if-exists --dbname=${shellQuote(conn.conninfo)} ${shellQuote(file)}`,
  }
}

/** For `upgrade --backup DIR`: backs up only when the upgrade has something to apply. */
export async function backupIfPending(options: BackupOptions & { revision?: string | undefined }): Promise<BackupResult | undefined> {
  const project = openProject(options)
  // "Using database ..." once, first; the backup's own lines follow it.
  const pending = await withDatabase(project.config, options, async (db) => planUpgrade(project.graph, toGraphApplied(await readApplied(db, project.versionTable)), options.revision ?? 'head'))
  if (pending.length === 0) return undefined
  const result = await backup({ ...options, onInfo: withoutUsingLine(options.onInfo) })
  options.onInfo?.(`Backed up to ${result.file} (${formatBytes(result.bytes)}); restore with: ${result.restore}`)
  return result
}

/** `onInfo` without the "Using database ..." line (said once already). */
export function withoutUsingLine(onInfo: ((line: string) => void) | undefined): ((line: string) => void) | undefined {
  return onInfo && ((line) => void (line.startsWith('Using database ') || onInfo(line)))
}

/** 1234567 → "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(1)} ${units[i]}`
}
