/**
 * Configuration: flags > environment (DATABASE_URL) > .env's DATABASE_URL > sqlmig.json >
 * defaults. This is the only module that reads environment variables, .env and sqlmig.json.
 * sqlmig.json is looked for from the working directory upward (as git looks for .git, stopping
 * at a repository's top folder); paths in it, the .env beside it and the embedded default
 * database resolve against its folder, the project folder.
 */
import { isAbsolute, join, relative, resolve } from 'node:path'
import process from 'node:process'
import { CONFIG_FILE, type FileConfig, type LintConfig, parseConfigFile, type TransactionMode } from './config-file.ts'
import { DEFAULT_URL, pgliteLocation } from './db/open.ts'
import { parseConnectTimeout, urlConnectTimeout } from './db/pg-url.ts'
import { UsageError } from './errors.ts'
import { parseDotenv } from './files/dotenv.ts'
import { findUpward, readTextIfExists } from './files/project-files.ts'

export { CONFIG_FILE, type LintConfig, type TransactionMode } from './config-file.ts'
export const DEFAULT_DIR = 'migrations'
export const DEFAULT_VERSION_TABLE = 'sqlmig_version'
export const DEFAULT_VERSION_SCHEMA = 'public'
/** The file beside sqlmig.json whose DATABASE_URL is read (nothing else of it is). */
export const DOTENV_FILE = '.env'

/** Everything a command needs to know about where and how to run. */
export interface Config {
  url: string
  /** Where `url` came from, for the "Using database ..." line. */
  urlSource: 'option' | 'DATABASE_URL' | '.env' | 'sqlmig.json' | 'default'
  /** The migrations folder: relative to the working directory when inside it (as messages show it), else absolute. */
  dir: string
  versionTable: string
  versionSchema: string
  /** Declared schema for autogenerate (file or folder), absolute. */
  schema: string
  /** PostgreSQL lock_timeout / statement_timeout applied with SET LOCAL to every migration (e.g. "5s"). */
  pgLockTimeout: string | undefined
  pgStatementTimeout: string | undefined
  transaction: TransactionMode
  /**
   * Seconds to wait for a server to accept a connection, when set by --connect-timeout,
   * PGCONNECT_TIMEOUT or sqlmig.json (0: forever). undefined: the URL's connect_timeout, else
   * 10 s. Order as libpq's: the flag, then the URL, then the environment; sqlmig.json last.
   */
  connectTimeout: number | undefined
  /** sqlmig.json "lockWait": how long to wait for sqlmig's migration lock (a flag or option overrides it). */
  lockWait: string | number | undefined
  /** sqlmig.json "shadowUrl": where autogenerate builds its shadow databases (an option overrides it). */
  shadowUrl: string | undefined
  /** sqlmig.json "scratchUrl": where rehearse copies a server database (an option overrides it; ignored for pglite:). */
  scratchUrl: string | undefined
  /** sqlmig.json "postgresVersion": the PostgreSQL major version autogenerate writes SQL for. */
  postgresVersion: number | undefined
  /** sqlmig.json "pgliteExtensions": contrib extensions the embedded database always loads (beyond those the SQL creates). */
  pgliteExtensions: string[]
  /** sqlmig.json "targets": the database URLs `upgrade --targets` (without a file) migrates. */
  targets: string[] | undefined
  /** sqlmig.json "lint". */
  lint: LintConfig
  /** The working directory the command runs from. */
  cwd: string
  /** The project folder: where sqlmig.json was found, else the working directory. */
  root: string
  /** The sqlmig.json read, if one was found. */
  configFile: string | undefined
}

/** What a caller (CLI flag or library option) may override. */
export interface ConfigOptions {
  url?: string | undefined
  /** A relative dir resolves against `cwd` when given, else the folder of sqlmig.json, else process.cwd(). */
  dir?: string | undefined
  versionTable?: string | undefined
  versionSchema?: string | undefined
  schema?: string | undefined
  /** PostgreSQL lock_timeout for each migration (sqlmig.json "lockTimeout"). */
  pgLockTimeout?: string | undefined
  /** PostgreSQL statement_timeout for each migration (sqlmig.json "statementTimeout"). */
  pgStatementTimeout?: string | undefined
  transaction?: TransactionMode | undefined
  /** Seconds, or a duration such as "5s" (CLI --connect-timeout). */
  connectTimeout?: string | number | undefined
  /** The working directory (default process.cwd()): sqlmig.json is looked for from here upward. */
  cwd?: string | undefined
  /**
   * Called with one line per deprecation (an old sqlmig.json key, an old option name). The CLI
   * prints it on stderr; without it, process.emitWarning.
   */
  onWarning?: ((line: string) => void) | undefined
}

/** PostgreSQL major versions autogenerate can write SQL for (the shadow is PGlite, PostgreSQL 18). */
export const POSTGRES_VERSIONS = { oldest: 13, newest: 18 } as const

function checkPostgresVersion(value: string | number | undefined, file: string): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < POSTGRES_VERSIONS.oldest || n > POSTGRES_VERSIONS.newest) {
    throw new UsageError(`"postgresVersion" in ${CONFIG_FILE} must be a PostgreSQL major version from ${POSTGRES_VERSIONS.oldest} to ${POSTGRES_VERSIONS.newest}, not ${JSON.stringify(value)}`, {
      location: { file },
      hint: 'Use the major version of the oldest server the migrations run on, e.g. "postgresVersion": "15"',
    })
  }
  return n
}

function checkTransaction(value: string | undefined): TransactionMode | undefined {
  if (value === undefined || value === 'all' || value === 'per-migration') return value
  throw new UsageError(`Transaction mode must be "all" or "per-migration", not "${value}"`, { hint: 'Use --transaction per-migration to commit each migration' })
}

/** Resolves the configuration for one command. */
export function loadConfig(options: ConfigOptions = {}): Config {
  const cwd = resolve(options.cwd ?? process.cwd())
  const found = findUpward(cwd, CONFIG_FILE)
  const root = found ?? cwd
  const configFile = found === undefined ? undefined : join(found, CONFIG_FILE)
  const warn = warner(options)
  const file: FileConfig = configFile === undefined ? {} : parseConfigFile(configFile, readTextIfExists(configFile) ?? '{}', warn)
  const env = process.env.DATABASE_URL
  const dotenv = options.url || env ? undefined : dotenvUrl(root)
  // A relative pglite: directory resolves where it was written: the working directory for what
  // the user typed (--url, DATABASE_URL), the project folder for .env, sqlmig.json and the default.
  const [url, urlSource, urlBase]: [string, Config['urlSource'], string] = options.url
    ? [options.url, 'option', cwd]
    : env
    ? [env, 'DATABASE_URL', cwd]
    : dotenv
    ? [dotenv, '.env', root]
    : file.url
    ? [file.url, 'sqlmig.json', root]
    : [DEFAULT_URL, 'default', root]
  const dir = options.dir !== undefined
    ? resolve(options.cwd !== undefined ? cwd : root, options.dir)
    : resolve(root, file.dir ?? DEFAULT_DIR)
  const schema = options.schema !== undefined
    ? resolve(options.cwd !== undefined ? cwd : root, options.schema)
    : file.schema !== undefined ? resolve(root, file.schema) : join(dir, 'schema.sql')
  return {
    url: resolvePgliteUrl(url, urlBase),
    urlSource,
    dir: shown(dir),
    versionTable: options.versionTable ?? file.versionTable ?? DEFAULT_VERSION_TABLE,
    versionSchema: options.versionSchema ?? file.versionSchema ?? DEFAULT_VERSION_SCHEMA,
    schema,
    pgLockTimeout: options.pgLockTimeout ?? file.lockTimeout,
    pgStatementTimeout: options.pgStatementTimeout ?? file.statementTimeout,
    transaction: checkTransaction(options.transaction ?? file.transaction) ?? 'all',
    connectTimeout: connectTimeoutOf(options.connectTimeout, url, file.connectTimeout),
    lockWait: file.lockWait,
    shadowUrl: file.shadowUrl,
    scratchUrl: file.scratchUrl,
    postgresVersion: checkPostgresVersion(file.postgresVersion, configFile ?? CONFIG_FILE),
    pgliteExtensions: file.pgliteExtensions ?? [],
    targets: file.targets,
    lint: file.lint ?? {},
    cwd,
    root,
    configFile,
  }
}

/** An absolute path as messages show it: relative to the process's working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

/** DATABASE_URL from the project's .env, if it sets one (nothing else of the file is read). */
function dotenvUrl(root: string): string | undefined {
  const text = readTextIfExists(join(root, DOTENV_FILE))
  return text === undefined ? undefined : parseDotenv(text).get('DATABASE_URL') || undefined
}

/** Deprecation lines go once per message to the caller's onWarning (else process.emitWarning). */
const warned = new Set<string>()
function warner(options: ConfigOptions): (line: string) => void {
  return (line) => {
    if (options.onWarning) return options.onWarning(line)
    if (warned.has(line)) return
    warned.add(line)
    process.emitWarning(line, 'DeprecationWarning')
  }
}

function connectTimeoutOf(option: string | number | undefined, url: string, file: string | number | undefined): number | undefined {
  if (typeof option === 'number') return option
  if (option !== undefined) return parseConnectTimeout(option, '--connect-timeout')
  // The URL's own connect_timeout wins over the environment, as in libpq.
  if (urlConnectTimeout(url) !== undefined) return undefined
  const env = process.env.PGCONNECT_TIMEOUT
  if (env !== undefined && env !== '') return parseConnectTimeout(env, 'PGCONNECT_TIMEOUT')
  if (typeof file === 'number') return file
  return file === undefined ? undefined : parseConnectTimeout(file, `"connectTimeout" in ${CONFIG_FILE}`)
}

/** A relative pglite: directory resolves against `base`. */
function resolvePgliteUrl(url: string, base: string): string {
  if (!url.startsWith('pglite:')) return url
  const rest = pgliteLocation(url)
  if (rest === 'memory' || rest.startsWith('/')) return `pglite:${rest}`
  return `pglite:${join(base, rest)}`
}
