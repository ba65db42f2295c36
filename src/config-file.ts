/**
 * sqlmig.json: its keys (camelCase; the old snake_case ones accepted with a deprecation note),
 * their types, and errors that point at the place: a JSON syntax error names line and column, an
 * unknown key near a known one says "did you mean".
 */
import { editDistance } from './did-you-mean.ts'
import { UsageError } from './errors.ts'
import { jsonSyntaxErrorOffset } from './json-syntax.ts'
import { lineColumnAt } from './sql/position.ts'

export const CONFIG_FILE = 'sqlmig.json'

export type TransactionMode = 'all' | 'per-migration'

/** sqlmig.json as read, keys normalised to camelCase. */
export interface FileConfig {
  url?: string
  dir?: string
  versionTable?: string
  versionSchema?: string
  schema?: string
  shadowUrl?: string
  /** Where rehearse makes its copy of a server database (CLI --scratch-url). */
  scratchUrl?: string
  /** PostgreSQL's lock_timeout, SET LOCAL for each migration. */
  lockTimeout?: string
  /** PostgreSQL's statement_timeout, SET LOCAL for each migration. */
  statementTimeout?: string
  /** How long to wait for sqlmig's own migration lock (CLI --lock-wait). */
  lockWait?: string | number
  connectTimeout?: string | number
  transaction?: TransactionMode
  postgresVersion?: string | number
  pgliteExtensions?: string[]
  /** Database URLs a fleet run (`upgrade --targets`) migrates, in order. */
  targets?: string[]
  /** `sqlmig lint`: severities per rule id, and the row count under which a table counts as small. */
  lint?: LintConfig
}

/** sqlmig.json "lint" (rule ids are checked by `sqlmig lint`, which knows them). */
export interface LintConfig {
  rules?: Record<string, 'error' | 'warning' | 'off'>
  smallTableRows?: number
}

type KeyType = 'string' | 'string-or-number' | 'string-array' | 'lint'

/** Every key sqlmig.json may hold, and the JSON type of its value. */
const KEYS: Record<string, KeyType> = {
  url: 'string',
  dir: 'string',
  versionTable: 'string',
  versionSchema: 'string',
  schema: 'string',
  shadowUrl: 'string',
  scratchUrl: 'string',
  lockTimeout: 'string',
  statementTimeout: 'string',
  lockWait: 'string-or-number',
  connectTimeout: 'string-or-number',
  transaction: 'string',
  postgresVersion: 'string-or-number',
  pgliteExtensions: 'string-array',
  targets: 'string-array',
  lint: 'lint',
  $schema: 'string',
}

/** Keys of earlier versions, still read, each with the key that replaces it. */
const DEPRECATED: Record<string, string> = {
  lock_timeout: 'lockTimeout',
  statement_timeout: 'statementTimeout',
}

/**
 * Reads and checks the sqlmig.json at `path` (which exists). `warn` receives one line per
 * deprecated key.
 */
export function parseConfigFile(path: string, text: string, warn: (line: string) => void): FileConfig {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const offset = jsonSyntaxErrorOffset(text)
    const at = offset === undefined ? undefined : lineColumnAt(text, offset)
    const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/, '')
    throw new UsageError(`Cannot read ${CONFIG_FILE}: ${at ? `invalid JSON at line ${at.line}, column ${at.column}` : 'invalid JSON'} (${reason})`, {
      location: { file: path, ...at },
      hint: 'Fix the JSON syntax (no trailing commas, no comments, keys and strings in double quotes)',
    })
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${CONFIG_FILE} must hold a JSON object`, { location: { file: path } })
  }
  const out: Record<string, unknown> = {}
  for (const [given, value] of Object.entries(data)) {
    const key = DEPRECATED[given] ?? given
    const type = KEYS[key]
    if (type === undefined) {
      const near = nearestKey(given)
      throw new UsageError(`Unknown key "${given}" in ${CONFIG_FILE}`, {
        location: { file: path },
        hint: near ? `Did you mean "${near}"?` : `Use one of: ${Object.keys(KEYS).filter((k) => k !== '$schema').join(', ')}`,
      })
    }
    if (key !== given) {
      if (key in data) throw new UsageError(`${CONFIG_FILE} sets both "${given}" and "${key}"`, { location: { file: path }, hint: `Keep only "${key}"` })
      warn(`"${given}" in ${CONFIG_FILE} is deprecated: rename it to "${key}"`)
    }
    checkType(key, given, value, type, path)
    out[key] = value
  }
  return out as FileConfig
}

function checkType(key: string, given: string, value: unknown, type: KeyType, path: string): void {
  if (type === 'lint') checkLint(value, path)
  else if (type === 'string-array') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new UsageError(`"${given}" in ${CONFIG_FILE} must be an array of strings`, { location: { file: path }, hint: `For example "${key}": ["pg_trgm", "uuid-ossp"]` })
    }
  } else if (typeof value !== 'string' && !(type === 'string-or-number' && typeof value === 'number')) {
    throw new UsageError(`"${given}" in ${CONFIG_FILE} must be a string${type === 'string-or-number' ? ' or a number' : ''}`, { location: { file: path } })
  }
}

function checkLint(value: unknown, path: string): void {
  const example = 'For example "lint": {"rules": {"rename": "warning", "drop": "off"}, "smallTableRows": 10000}'
  const fail = (what: string) => new UsageError(`"lint" in ${CONFIG_FILE} ${what}`, { location: { file: path }, hint: example })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object')
  for (const [k, v] of Object.entries(value)) {
    if (k === 'smallTableRows') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw fail('"smallTableRows" must be a whole number of rows')
    } else if (k === 'rules') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('"rules" must be an object of rule ids')
      for (const [id, sev] of Object.entries(v)) {
        if (sev !== 'error' && sev !== 'warning' && sev !== 'off') throw fail(`rule "${id}" must be "error", "warning" or "off", not ${JSON.stringify(sev)}`)
      }
    } else throw fail(`has an unknown key "${k}" (use "rules" and "smallTableRows")`)
  }
}

/** The known key a typo most likely meant: same letters ignoring case and _/-, or within edit distance 2. */
function nearestKey(given: string): string | undefined {
  const flat = (s: string) => s.toLowerCase().replace(/[_-]/g, '')
  const keys = Object.keys(KEYS).filter((k) => k !== '$schema')
  const same = keys.find((k) => flat(k) === flat(given))
  if (same) return same
  let best: { key: string; d: number } | undefined
  for (const k of keys) {
    const d = editDistance(flat(given), flat(k))
    if (d <= 2 && (!best || d < best.d)) best = { key: k, d }
  }
  return best?.key
}
