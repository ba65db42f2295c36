/**
 * One migration: a revision with its up and down files, parsed from their headers. Pure
 * functions over file texts; reading the directory is script-directory.ts's job.
 */
import * as nodeCrypto from 'node:crypto'
import { InvalidMigrationError } from '../errors.ts'
import { splitStatements } from '../sql/split.ts'
import { checkHeader, DOWN_KEYS, type HeaderEntry, parseHeader, UP_KEYS } from './header.ts'

/** Revision ids: what `create` makes is 12 hex digits; hand-written ids may use these characters. */
export const REVISION_PATTERN = /^[A-Za-z0-9_-]+$/

export interface ScriptFile {
  path: string
  text: string
  /** False when the header says `transaction: false` (run outside a transaction). */
  transaction: boolean
  lockTimeout: string | undefined
  statementTimeout: string | undefined
}

export interface Script {
  /** The revision id (graph node id). */
  id: string
  /** down_revision: no parents for a base, several for a merge. */
  parents: string[]
  message: string
  createdAt: string | undefined
  up: ScriptFile
  down: DownFile
  /** sha256 (hex) of the up file's normalised text. */
  checksum: string
  /** For messages: the up file and the line of its down_revision header. */
  source: string
  line: number | undefined
}

/** CRLF/CR → LF, trailing whitespace per line and trailing blank lines removed: layout edits are not edits. */
export function normalizeSql(text: string): string {
  // Same result as splitting into lines, trimming each and joining with LF, in three passes
  // over the string instead of an array of lines (this runs for every file at 10k migrations).
  // Most files have nothing to normalise but trailing newlines: one cheap scan finds out.
  if (text.charCodeAt(0) !== 0xfeff && !needsNormalizing(text)) return withoutTrailingNewlines(text)
  return withoutTrailingNewlines(text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').replace(/[ \t]+(?=\n|$)/g, ''))
}

/**
 * /\r|[ \t]\n|[ \t]$/.test(text), with indexOf (a memchr-like scan each) instead of a regex
 * trying three alternatives at every character: 7 ms of every start at 1,000 migrations.
 */
function needsNormalizing(text: string): boolean {
  if (text.indexOf('\r') >= 0 || text.indexOf(' \n') >= 0 || text.indexOf('\t\n') >= 0) return true
  const last = text.charCodeAt(text.length - 1)
  return last === 32 || last === 9
}

/** text.replace(/\n+$/, '') without a regex scan of the whole text. */
function withoutTrailingNewlines(text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--
  return end === text.length ? text : text.slice(0, end)
}

/** sha256 hex of the normalised text. */
export function checksumOf(text: string): string {
  const normalized = normalizeSql(text)
  return oneShotHash ? oneShotHash('sha256', normalized) : nodeCrypto.createHash('sha256').update(normalized, 'utf8').digest('hex')
}

/** crypto.hash (Node 20.12+, Deno): a third cheaper than createHash().update().digest() on files this small. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string) => string }).hash

export interface ParsedUp {
  revision: string
  parents: string[]
  message: string
  createdAt: string | undefined
  file: ScriptFile
  parentsLine: number | undefined
  checksum: string
}

/** A down file: `irreversible` holds the reason of `-- irreversible: reason`. */
export type DownFile = ScriptFile & {
  irreversible: string | undefined
  /** `-- down: none`: undoing the up changes nothing (the file has no statements; verify accepts it). */
  nothingToUndo?: boolean
}

export interface ParsedDown {
  revision: string
  file: DownFile
}

function fileOptions(path: string, text: string, map: Map<string, HeaderEntry>): ScriptFile {
  const tx = map.get('transaction')
  if (tx && !/^(true|false)$/i.test(tx.value)) {
    throw new InvalidMigrationError('INVALID_HEADER_VALUE', `Header "transaction" must be true or false, not "${tx.value}"`, {
      location: { file: path, line: tx.line, column: 1 },
      hint: 'Write "-- transaction: false" to run the migration outside a transaction',
    })
  }
  return {
    path,
    text,
    transaction: !tx || tx.value.toLowerCase() === 'true',
    lockTimeout: map.get('lock_timeout')?.value || undefined,
    statementTimeout: map.get('statement_timeout')?.value || undefined,
  }
}

function revisionOf(path: string, map: Map<string, HeaderEntry>): string {
  const entry = map.get('revision')
  if (!entry || entry.value === '') {
    throw new InvalidMigrationError('MISSING_REVISION', 'Missing "revision" header', {
      location: { file: path, line: 1, column: 1 },
      hint: 'Start the file with a line like "-- revision: 3f2a9c1b7d4e"',
    })
  }
  if (!REVISION_PATTERN.test(entry.value)) {
    throw new InvalidMigrationError('INVALID_REVISION', `Revision "${entry.value}" may only contain letters, digits, "_" and "-"`, {
      location: { file: path, line: entry.line, column: 1 },
      hint: 'Use 12 hex digits, as sqlmig create writes them',
    })
  }
  return entry.value
}

/** Parses an up file's header (throws InvalidMigrationError with file and line). */
export function parseUpFile(path: string, text: string): ParsedUp {
  const map = checkHeader(parseHeader(text), path, UP_KEYS)
  const revision = revisionOf(path, map)
  const down = map.get('down_revision')
  if (!down) {
    throw new InvalidMigrationError('MISSING_DOWN_REVISION', 'Missing "down_revision" header', {
      location: { file: path, line: 1, column: 1 },
      hint: 'Add "-- down_revision: <parent id>", or "-- down_revision: none" for a first migration',
    })
  }
  const raw = down.value.trim()
  const parents = raw === '' || raw.toLowerCase() === 'none' ? [] : raw.split(',').map((s) => s.trim())
  for (const p of parents) {
    if (!REVISION_PATTERN.test(p)) {
      throw new InvalidMigrationError('INVALID_REVISION', `down_revision "${p}" is not a revision id`, {
        location: { file: path, line: down.line, column: 1 },
        hint: 'List parent ids separated by commas, or write "none"',
      })
    }
  }
  if (new Set(parents).size !== parents.length) {
    throw new InvalidMigrationError('INVALID_REVISION', `down_revision lists a parent twice ("${raw}")`, {
      location: { file: path, line: down.line, column: 1 },
      hint: 'List each parent once',
    })
  }
  return new UpFile(revision, parents, map.get('message')?.value ?? '', map.get('created')?.value || undefined, fileOptions(path, text, map), down.line)
}

/** A parsed up file; the checksum is computed when first read (current and history never need it). */
class UpFile implements ParsedUp {
  readonly revision: string
  readonly parents: string[]
  readonly message: string
  readonly createdAt: string | undefined
  readonly file: ScriptFile
  readonly parentsLine: number | undefined
  #checksum: string | undefined
  constructor(revision: string, parents: string[], message: string, createdAt: string | undefined, file: ScriptFile, parentsLine: number | undefined) {
    this.revision = revision
    this.parents = parents
    this.message = message
    this.createdAt = createdAt
    this.file = file
    this.parentsLine = parentsLine
  }
  get checksum(): string {
    return (this.#checksum ??= checksumOf(this.file.text))
  }
}

/** Parses a down file's header. */
export function parseDownFile(path: string, text: string): ParsedDown {
  const map = checkHeader(parseHeader(text), path, DOWN_KEYS)
  const revision = revisionOf(path, map)
  const file: DownFile = { ...fileOptions(path, text, map), irreversible: map.get('irreversible')?.value || undefined }
  const none = map.get('down')
  if (none) {
    checkNothingToUndo(file, none)
    file.nothingToUndo = true
  }
  return { revision, file }
}

/**
 * `-- down: none` says the down has nothing to undo: its only value is "none", and the file
 * may hold no statement (nor be irreversible), or the header would hide SQL that never runs.
 */
function checkNothingToUndo(file: DownFile, entry: HeaderEntry): void {
  if (entry.value.trim().toLowerCase() !== 'none') {
    throw new InvalidMigrationError('INVALID_HEADER_VALUE', `Header "down" can only be "none", not "${entry.value}"`, {
      location: { file: file.path, line: entry.line, column: 1 },
      hint: 'Write "-- down: none" for a down that has nothing to undo, or remove the line and write the down SQL',
    })
  }
  if (file.irreversible !== undefined) {
    throw new InvalidMigrationError('INVALID_HEADER_VALUE', 'A down file cannot be both "down: none" (nothing to undo) and "irreversible"', {
      location: { file: file.path, line: entry.line, column: 1 },
      hint: 'Keep "-- down: none" if undoing the up changes nothing, or "-- irreversible: <reason>" if it cannot be undone',
    })
  }
  const first = splitStatements(file.text, file.path)[0]
  if (first) {
    throw new InvalidMigrationError('DOWN_NONE_HAS_STATEMENTS', `The header says "down: none" (line ${entry.line}), but the file has statements`, {
      location: { file: file.path, line: first.line, column: first.column },
      hint: 'Remove the "-- down: none" line to run these statements, or remove the statements',
    })
  }
}
