/**
 * What every command starts from: the configuration, the migration files and their graph,
 * and (for commands that need one) a database session. Commands never print and never exit.
 */
import { type Config, type ConfigOptions, loadConfig } from '../config.ts'
import { type Database, serverErrorFields } from '../db/database.ts'
import { embeddedOpenOptions } from './embedded.ts'
import type { Project } from './project-model.ts'
import { hinting } from './hints.ts'
import { embeddedDescription, isPgliteUrl, isUncreatedEmbedded, openDatabase, type OpenOptions } from '../db/open.ts'
import type { KyselyInstance } from '../db/kysely-session.ts'
import type { PgliteLockOptions } from '../db/pglite-lock.ts'
import { SqlmigError, UsageError } from '../errors.ts'
import { redactUrl } from '../redact.ts'
import { quoteIdent } from '../sql/quote.ts'
import { nodeFileSource } from '../files/file-source.ts'
import type { Script } from '../files/script.ts'
import { loadScripts, loadScriptsInterleaved } from '../files/script-directory.ts'
import { RevisionGraph } from '../graph/revision-graph.ts'
import type { RunListener } from '../runner/events.ts'
import type { VersionTableName } from '../runner/version-table.ts'

/** Options every command accepts (library and CLI alike). */
export interface CommonOptions extends ConfigOptions {
  /** Called once with a line saying which database is used. */
  onInfo?: ((line: string) => void) | undefined
  /** Progress of a run (lock waits, each migration). */
  onEvent?: RunListener | undefined
  /**
   * Give up waiting for another run's lock after this long ("30s", "500ms", or seconds as a
   * number): the migration lock on a server, the data directory of a `pglite:<dir>` database.
   * Default: sqlmig.json "lockWait", else wait.
   */
  lockWait?: string | number | undefined
  /**
   * @deprecated the old name of `lockWait` (it is not PostgreSQL's lock_timeout, which is
   * sqlmig.json "lockTimeout"); still read when `lockWait` is not given.
   */
  lockTimeout?: string | number | undefined
  /** Abort: a wait for a lock ends (and a run is cancelled and rolled back). */
  signal?: AbortSignal | undefined
  /**
   * Run on the application's own Kysely instance (any PostgreSQL dialect) instead of a URL:
   * one of its connections is pinned for the command; the instance is not destroyed.
   */
  kysely?: KyselyInstance | undefined
  /**
   * The session's search_path, set once it opens (a tenant's schema in `--schemas` mode, so that
   * the same migration files create their objects there).
   */
  searchPath?: string | undefined
}

export type { Project } from './project-model.ts'

/** Reads config and every migration file; throws InvalidMigrationError when any file is wrong. */
export function openProject(options: CommonOptions): Project {
  const config = loadConfig(options)
  return projectOf(config, hinting(undefined, () => loadScripts(nodeFileSource, config.dir)))
}

function projectOf(config: Config, list: Script[]): Project {
  const graph = hinting(undefined, () => RevisionGraph.from(list))
  return {
    config,
    scripts: new Map(list.map((s) => [s.id, s])),
    graph,
    versionTable: { schema: config.versionSchema, table: config.versionTable },
  }
}

/** "Using database <url> (from --url)": printed before connecting, by every command that opens one. */
export function usingDatabaseLine(url: string, source: Config['urlSource']): string {
  return `Using database ${redactUrl(url)}${source === 'default' ? ' (the embedded default)' : ` (from ${source === 'option' ? '--url' : source === '.env' ? 'DATABASE_URL in .env' : source})`}`
}

function openOptions(config: Config, options: CommonOptions, open: OpenOptions): OpenOptions {
  return { arrays: false, connectTimeoutSeconds: config.connectTimeout, onProgress: options.onInfo, ...lockOptions(options, config), ...open }
}

const KYSELY_LINE = "Using database the application's Kysely instance"

/** The application's Kysely instance as a session (the adapter loads only when one is given). */
async function openKysely(kysely: KyselyInstance): Promise<Database> {
  return await (await import('../db/kysely-session.ts')).openKyselySession(kysely)
}

/**
 * Opens the configured database, runs `fn`, closes it. By default the session is lean: no
 * Kysely (every query a command runs is plain SQL, see version-table.ts, and loading Kysely
 * costs ~0.25 s of CPU) and no array parsing (saves a round trip at connect); introspection
 * passes `{ arrays: true }`.
 */
export async function withDatabase<T>(
  config: Config,
  options: CommonOptions,
  fn: (db: Database) => Promise<T>,
  open: OpenOptions & { opened?: Promise<Database> } = {},
): Promise<T> {
  if (!open.opened) options.onInfo?.(options.kysely ? KYSELY_LINE : usingDatabaseLine(config.url, config.urlSource))
  const db = await (open.opened ?? (options.kysely ? openKysely(options.kysely) : openDatabase(config.url, openOptions(config, options, open))))
  try {
    // A session-level SET outside any transaction: it holds for the whole session (every run's BEGIN/COMMIT).
    if (options.searchPath !== undefined) await db.exec(`set search_path = ${quoteIdent(options.searchPath)}`)
    return await fn(db)
  } catch (error) {
    throw asSqlmigError(error, db.description)
  } finally {
    await db.close()
  }
}

/**
 * openProject, then withDatabase, with the two overlapped on a server: the connection is
 * opened while the files are read (its round trips would otherwise be idle time). On PGlite
 * the files come first, so that invalid files (or a target no file defines) never create or
 * load an embedded database. File problems win over connection problems.
 */
export async function withProjectDatabase<T>(
  options: CommonOptions,
  fn: (project: Project, db: Database) => Promise<T>,
  open: OpenOptions = {},
  /** Checks that need only the files (a target that names no revision): they fail before the database is used. */
  precheck?: (project: Project) => void,
  /** Called with a server's session as soon as it is open, while the files are still being read (a first query goes out then). */
  onOpen?: (db: Database) => void,
  /** The options' configuration, when the caller loaded it already (loading it again would repeat its warnings). */
  config: Config = loadConfig(options),
): Promise<T> {
  if (isPgliteUrl(config.url) || options.kysely) {
    const project = projectOf(config, hinting(undefined, () => loadScripts(nodeFileSource, config.dir)))
    precheck?.(project)
    return await withDatabase(config, options, (db) => fn(project, db), options.kysely ? open : { ...embeddedOpenOptions(project, config.url), ...open })
  }
  // Said before connecting: a host that does not answer must not look like a silent hang.
  options.onInfo?.(usingDatabaseLine(config.url, config.urlSource))
  const opening = openDatabase(config.url, openOptions(config, options, open))
  // Handled here so that a connection error raised while the files are read is not "unhandled"; awaited below.
  opening.then(onOpen, () => {})
  let project: Project
  try {
    project = projectOf(config, await hinting(undefined, () => loadScriptsInterleaved(nodeFileSource, config.dir)))
    precheck?.(project)
  } catch (error) {
    opening.then((db) => db.close(), () => {})
    throw error
  }
  return await withDatabase(config, options, (db) => fn(project, db), { ...open, opened: opening })
}

/**
 * withProjectDatabase with a first query (the version table's rows): on a server it is sent as
 * soon as the session is open, so that the server answers while the files are read; on PGlite,
 * on a Kysely instance and with a search_path to set first, once the files are read.
 */
export async function withProjectQuery<T, R>(
  options: CommonOptions,
  first: (db: Database, versionTable: VersionTableName) => Promise<R>,
  fn: (project: Project, db: Database, first: R) => Promise<T>,
  precheck?: (project: Project) => void,
  config: Config = loadConfig(options),
): Promise<T> {
  const versionTable = { schema: config.versionSchema, table: config.versionTable }
  let sent: Promise<R> | undefined
  // Not before a search_path is set (withDatabase sets it once the files are read).
  const onOpen = options.searchPath === undefined
    ? (db: Database) => {
      sent = first(db, versionTable)
      // Awaited in fn; a file problem found meanwhile wins, and this one must not be "unhandled".
      sent.catch(() => {})
    }
    : undefined
  return await withProjectDatabase(options, async (project, db) => await fn(project, db, await (sent ?? first(db, versionTable))), {}, precheck, onOpen, config)
}

/**
 * withProjectDatabase for a command that only reads the database's state (current, history): on
 * an embedded database not created yet, `empty` answers (nothing applied) with neither PGlite's
 * start (about a second, and its initdb) nor a data directory left behind.
 */
export async function withProjectState<T, R>(
  options: CommonOptions,
  /** The command's first query (the version table's rows): on a server it is sent as soon as the session is open, while the files are read. */
  first: (db: Database, versionTable: VersionTableName) => Promise<R>,
  fn: (project: Project, db: Database, first: R) => Promise<T>,
  empty: (project: Project, database: string) => T,
): Promise<T> {
  const config = loadConfig(options)
  if (options.kysely || !isUncreatedEmbedded(config.url)) return await withProjectQuery(options, first, fn, undefined, config)
  const project = projectOf(config, hinting(undefined, () => loadScripts(nodeFileSource, config.dir)))
  options.onInfo?.(usingDatabaseLine(config.url, config.urlSource))
  return empty(project, embeddedDescription(config.url))
}

/**
 * How long to wait for sqlmig's lock, in milliseconds (undefined waits forever): the lockWait
 * option (or its old name lockTimeout), else sqlmig.json "lockWait". A value that is no
 * duration is a UsageError.
 */
export function lockTimeoutMs(options: CommonOptions, config?: Config): number | undefined {
  const [value, name] = options.lockWait !== undefined
    ? [options.lockWait, '--lock-wait']
    : options.lockTimeout !== undefined
    ? [options.lockTimeout, '--lock-timeout']
    : [config?.lockWait, '"lockWait" in sqlmig.json']
  const ms = parseDuration(value)
  if (ms !== undefined && !(ms >= 0)) {
    throw new UsageError(`Cannot read ${name} "${value}"`, { hint: 'Give seconds ("30"), or a duration like "30s", "500ms", "2m"' })
  }
  return ms
}

/** How a command waits for a `pglite:<dir>` data directory another process holds: --lock-wait, a "database-wait" event, the abort signal. */
export function pgliteLockOptions(options: CommonOptions, config?: Config): PgliteLockOptions {
  return {
    timeoutMs: lockTimeoutMs(options, config),
    onWait: (holder) => options.onEvent?.({ type: 'database-wait', holderPid: holder?.pid, holderHost: holder?.host, holderStarted: holder?.started }),
    signal: options.signal,
  }
}

function lockOptions(options: CommonOptions, config: Config): OpenOptions {
  const lock = pgliteLockOptions(options, config)
  return { lockTimeoutMs: lock.timeoutMs, onLockWait: lock.onWait, signal: lock.signal }
}

/** A server error outside a migration (e.g. out of shared memory) still reaches the user as a typed error, not a stack trace. */
function asSqlmigError(error: unknown, where: string): unknown {
  if (error instanceof SqlmigError) return error
  const fields = serverErrorFields(error)
  if (!fields) return error
  return new SqlmigError('DATABASE_ERROR', `The database ${where} reported: ${fields.message} (${fields.sqlState})`, {
    detail: fields.detail,
    hint: fields.hint ?? 'Nothing was changed by the failing statement; fix the database problem and run the command again',
    cause: error,
  })
}

/** Milliseconds from a --lock-wait value: "30", "30s", "500ms", "2m"; undefined waits forever. */
export function parseDuration(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'number') return value * 1000
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/.exec(value.trim())
  if (!m) return Number.NaN
  const n = Number(m[1])
  return m[2] === 'ms' ? n : m[2] === 'm' || m[2] === 'min' ? n * 60_000 : n * 1000
}
