/**
 * What each tool's reader makes of its migrations folder: the migrations in the tool's order,
 * each with the exact text of its up and down, and every spot that cannot be mapped. Pure data;
 * the readers (one module per tool) and the file builder share it.
 */
import { createHash } from 'node:crypto'
import type { UnmappableSpot } from '../errors.ts'
import { lineColumnAt } from '../sql/position.ts'
import { splitStatements } from '../sql/split.ts'

export const IMPORT_TOOLS = ['golang-migrate', 'dbmate', 'goose', 'flyway', 'node-pg-migrate', 'sqitch', 'graphile-migrate', 'alembic'] as const
export type ImportTool = (typeof IMPORT_TOOLS)[number]

/** The up or the down of a source migration: a file, or a section of one. */
export interface SourceSection {
  /** The source file's name in the folder. */
  file: string
  /** Exactly the text the section spans (written as the body, byte for byte). */
  text: string
  /** 1-based line of the file where `text` starts. */
  line: number
  /** False when the tool's own marker runs it outside a transaction. */
  transaction: boolean
  /** That marker, as written (for the report). */
  marker?: string | undefined
}

export interface SourceMigration {
  /** The version as the tool records it in its own table (what the revision id is derived from). */
  version: string
  /** The source file name shown in the report ("old name -> revision"). */
  label: string
  /** The version as written in the file name: the written files' name prefix when there is no timestamp ('' for none). */
  prefix: string
  message: string
  /** From the version, when it is a timestamp. */
  created: Date | undefined
  up: SourceSection
  /** Undefined: the source has no down (an empty down section is reported as none too, by the builder). */
  down: SourceSection | undefined
  /** The revision id when the tool has its own (Alembic); otherwise importedRevision(tool, version). */
  revision?: string | undefined
  /** True: an empty down undoes nothing (an Alembic merge whose upgrade and downgrade are both empty), written `-- down: none`. */
  downIsNone?: boolean | undefined
  /** The versions of its parents when the tool has a graph (sqitch, Alembic); otherwise the previous migration. */
  parents?: string[] | undefined
}

export interface SourceHistory {
  migrations: SourceMigration[]
  spots: UnmappableSpot[]
  /** Files in the folder the tool itself ignores (listed, not imported). */
  skipped: string[]
  /** What the tool has that sqlmig does not keep and need not (sqitch conflicts on later changes, Alembic branch labels): listed, not fatal. */
  notes?: string[] | undefined
}

/** The revision id of an imported migration: stable across re-imports, and computable from the tool's version table. */
export function importedRevision(tool: ImportTool, version: string): string {
  return createHash('sha256').update(`${tool}:${version}`, 'utf8').digest('hex').slice(0, 12)
}

/** The 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  return lineColumnAt(text, offset).line
}

/** A section of `text` from `start` to `end`. */
export function section(file: string, text: string, start: number, end: number, transaction = true, marker?: string): SourceSection {
  return { file, text: text.slice(start, end), line: lineAt(text, start), transaction, marker }
}

/** True when `text` holds no statement (only comments and blank lines), or cannot even be split. */
export function hasNoStatements(text: string): boolean {
  try {
    return splitStatements(text).length === 0
  } catch {
    return false
  }
}

/** The first line of `text` that is not blank or a `--` comment, for tools that forbid SQL before their first marker. */
export function firstSqlLine(text: string): number | undefined {
  if (hasNoStatements(text)) return undefined
  const lines = text.split(/\r\n|\n|\r/)
  const i = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('--'))
  return i < 0 ? 1 : i + 1
}

/** "create_users_table" → "create users table". */
export function messageOf(name: string): string {
  return name.replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim()
}

/**
 * The creation time a version says: yyyymmddHHMMSS (14 digits, what golang-migrate, dbmate and
 * goose write by default), yyyymmddHHMMSSmmm (17, node-pg-migrate's utc format), or with
 * `epochMillis` a 13-digit Date.now() (node-pg-migrate's default). Anything else has none.
 */
export function createdOf(version: string, epochMillis = false): Date | undefined {
  if (epochMillis && /^\d{13}$/.test(version)) return new Date(Number(version))
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(version)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, m[7] ? Number(m[7]) : 0))
  // A sequence number that happens to have 14 digits is no date: it must read back the same.
  const ok = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi && y >= 1970
  return ok ? date : undefined
}

/** Numeric order of digit strings of any length (BigInt: goose and golang-migrate versions are int64/uint). */
export function compareDigits(a: string, b: string): number {
  const x = BigInt(a), y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
