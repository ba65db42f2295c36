/**
 * Configuration: flags > environment (DATABASE_URL) > sqlmig.json > defaults. This is the only
 * module that reads environment variables and sqlmig.json.
 */
import { isAbsolute, join, normalize } from 'node:path'
import process from 'node:process'
import { DEFAULT_URL, pgliteLocation } from './db/open.ts'
import { parseConnectTimeout, urlConnectTimeout } from './db/pg-url.ts'
import { UsageError } from './errors.ts'
import { readTextIfExists } from './files/project-files.ts'

export const CONFIG_FILE = 'sqlmig.json'
export const DEFAULT_DIR = 'migrations'
export const DEFAULT_VERSION_TABLE = 'sqlmig_version'
export const DEFAULT_VERSION_SCHEMA = 'public'

export type TransactionMode = 'all' | 'per-migration'

/** Everything a command needs to know about where and how to run. */
export interface Config {
  url: string
  /** Where `url` came from, for the "Using database ..." line. */
  urlSource: 'option' | 'DATABASE_URL' | 'sqlmig.json' | 'default'
  dir: string
  versionTable: string
  versionSchema: string
  /** Declared schema for autogenerate (file or folder), relative to cwd. */
  schema: string
  /** PostgreSQL lock_timeout / statement_timeout applied with SET LOCAL to every migration (e.g. "5s"). */
  pgLockTimeout: string | undefined
  pgStatementTimeout: string | undefined
  transaction: TransactionMode
  /**
   * Seconds to wait for a server to accept a connection, when set by --connect-timeout or
   * PGCONNECT_TIMEOUT (0: forever). undefined: the URL's connect_timeout, else 10 s. Order as
   * libpq's: the flag, then the URL, then the environment.
   */
  connectTimeout: number | undefined
  /** sqlmig.json "postgresVersion": the PostgreSQL major version autogenerate writes SQL for. */
  postgresVersion: number | undefined
  /** sqlmig.json "pgliteExtensions": contrib extensions the embedded database always loads (beyond those the SQL creates). */
  pgliteExtensions: string[]
  cwd: string
}

/** What a caller (CLI flag or library option) may override. */
export interface ConfigOptions {
  url?: string | undefined
  dir?: string | undefined
  versionTable?: string | undefined
  versionSchema?: string | undefined
  schema?: string | undefined
  /** PostgreSQL lock_timeout for each migration (sqlmig.json "lock_timeout"). */
  pgLockTimeout?: string | undefined
  /** PostgreSQL statement_timeout for each migration (sqlmig.json "statement_timeout"). */
  pgStatementTimeout?: string | undefined
  transaction?: TransactionMode | undefined
  /** Seconds, or a duration such as "5s" (CLI --connect-timeout). */
  connectTimeout?: string | number | undefined
  cwd?: string | undefined
}

interface FileConfig {
  url?: string
  dir?: string
  versionTable?: string
  versionSchema?: string
  schema?: string
  lock_timeout?: string
  statement_timeout?: string
  transaction?: TransactionMode
  postgresVersion?: string | number
  pgliteExtensions?: string[]
}

const FILE_KEYS = ['url', 'dir', 'versionTable', 'versionSchema', 'schema', 'lock_timeout', 'statement_timeout', 'transaction', 'postgresVersion', 'pgliteExtensions', '$schema']

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

/** Keys whose value is an array of strings; every other key holds a string. */
const ARRAY_KEYS = ['pgliteExtensions']

function readConfigFile(cwd: string): FileConfig {
  const path = join(cwd, CONFIG_FILE)
  let text: string | undefined
  let data: unknown
  try {
    text = readTextIfExists(path)
    if (text !== undefined) data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`Cannot read ${CONFIG_FILE}: ${(error as Error).message}`, { location: { file: path }, hint: 'Fix the JSON syntax' })
  }
  if (text === undefined) return {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${CONFIG_FILE} must hold a JSON object`, { location: { file: path } })
  }
  for (const [key, value] of Object.entries(data)) {
    if (!FILE_KEYS.includes(key)) {
      throw new UsageError(`Unknown key "${key}" in ${CONFIG_FILE}`, { location: { file: path }, hint: `Use one of: ${FILE_KEYS.slice(0, -1).join(', ')}` })
    }
    if (ARRAY_KEYS.includes(key)) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        throw new UsageError(`"${key}" in ${CONFIG_FILE} must be an array of strings`, { location: { file: path }, hint: `For example "${key}": ["pg_trgm", "uuid-ossp"]` })
      }
    } else if (typeof value !== 'string' && !(key === 'postgresVersion' && typeof value === 'number')) {
      throw new UsageError(`"${key}" in ${CONFIG_FILE} must be a string`, { location: { file: path } })
    }
  }
  const config = data as FileConfig
  checkPostgresVersion(config.postgresVersion, path)
  return config
}

function checkTransaction(value: string | undefined): TransactionMode | undefined {
  if (value === undefined || value === 'all' || value === 'per-migration') return value
  throw new UsageError(`Transaction mode must be "all" or "per-migration", not "${value}"`, { hint: 'Use --transaction per-migration to commit each migration' })
}

/** Resolves the configuration for one command. */
export function loadConfig(options: ConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd()
  const file = readConfigFile(cwd)
  const env = process.env.DATABASE_URL
  const [url, urlSource]: [string, Config['urlSource']] = options.url
    ? [options.url, 'option']
    : env
    ? [env, 'DATABASE_URL']
    : file.url
    ? [file.url, 'sqlmig.json']
    : [DEFAULT_URL, 'default']
  const dir = options.dir ?? file.dir ?? DEFAULT_DIR
  return {
    url: resolvePgliteUrl(url, cwd),
    urlSource,
    // Relative to the working directory stays relative, so messages show migrations/versions/...
    dir: isAbsolute(dir) ? dir : options.cwd ? join(cwd, dir) : normalize(dir),
    versionTable: options.versionTable ?? file.versionTable ?? DEFAULT_VERSION_TABLE,
    versionSchema: options.versionSchema ?? file.versionSchema ?? DEFAULT_VERSION_SCHEMA,
    schema: join(cwd, options.schema ?? file.schema ?? join(dir, 'schema.sql')),
    pgLockTimeout: options.pgLockTimeout ?? file.lock_timeout,
    pgStatementTimeout: options.pgStatementTimeout ?? file.statement_timeout,
    transaction: checkTransaction(options.transaction ?? file.transaction) ?? 'all',
    connectTimeout: connectTimeoutOf(options.connectTimeout, url),
    postgresVersion: checkPostgresVersion(file.postgresVersion, join(cwd, CONFIG_FILE)),
    pgliteExtensions: file.pgliteExtensions ?? [],
    cwd,
  }
}

function connectTimeoutOf(option: string | number | undefined, url: string): number | undefined {
  if (typeof option === 'number') return option
  if (option !== undefined) return parseConnectTimeout(option, '--connect-timeout')
  // The URL's own connect_timeout wins over the environment, as in libpq.
  if (urlConnectTimeout(url) !== undefined) return undefined
  const env = process.env.PGCONNECT_TIMEOUT
  return env === undefined || env === '' ? undefined : parseConnectTimeout(env, 'PGCONNECT_TIMEOUT')
}

/** A relative pglite: directory is relative to the working directory (where sqlmig.json lives). */
function resolvePgliteUrl(url: string, cwd: string): string {
  if (!url.startsWith('pglite:')) return url
  const rest = pgliteLocation(url)
  if (rest === 'memory' || rest.startsWith('/')) return `pglite:${rest}`
  return `pglite:${join(cwd, rest)}`
}
