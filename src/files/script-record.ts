/**
 * What loading derives from a migration file's text, as one line of tab-separated fields, kept
 * in the file index (file-index.ts) for files whose every load-time check passed: the header's
 * fields, the up file's checksum, and a hash of the raw text. A script built from a record
 * reads its file only when its text is asked for (to run it, print it...), and then refuses a
 * text other than the one the record was made from, so nothing runs that was not checked.
 */
import * as nodeCrypto from 'node:crypto'
import { InvalidMigrationError } from '../errors.ts'
import type { DownFile, ParsedDown, ParsedUp, ScriptFile } from './script.ts'

/** Hash of a file's text as read (not normalised: any change at all counts). */
export function rawHashOf(text: string): string {
  return oneShotHash ? oneShotHash('sha1', text, 'base64') : nodeCrypto.createHash('sha1').update(text, 'utf8').digest('base64')
}

const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: string) => string }).hash

const UP = 'u'
const DOWN = 'd'

/** The record of a parsed up file read from `text`; undefined when a field holds a tab. */
export function upRecord(up: ParsedUp, text: string): string | undefined {
  const f = up.file
  return joined([UP, up.revision, up.parents.join(','), up.message, up.createdAt ?? '', f.transaction ? '1' : '0', f.lockTimeout ?? '', f.statementTimeout ?? '', up.parentsLine === undefined ? '' : String(up.parentsLine), up.checksum, rawHashOf(text)])
}

/** The record of a parsed down file read from `text`; undefined when a field holds a tab. */
export function downRecord(down: ParsedDown, text: string): string | undefined {
  const f = down.file
  return joined([DOWN, down.revision, f.transaction ? '1' : '0', f.lockTimeout ?? '', f.statementTimeout ?? '', f.irreversible ?? '', f.nothingToUndo ? '1' : '', rawHashOf(text)])
}

function joined(fields: string[]): string | undefined {
  for (const f of fields) if (f.includes('\t')) return undefined
  return fields.join('\t')
}

/** The parsed up file a record describes, at `path`; undefined when the record is not an up file's. */
export function upFromRecord(path: string, record: string, read: (path: string) => string): ParsedUp | undefined {
  const f = record.split('\t')
  if (f.length !== 11 || f[0] !== UP) return undefined
  const parentsLine = f[8] === '' ? undefined : Number(f[8])
  return {
    revision: f[1]!,
    parents: f[2] === '' ? [] : f[2]!.split(','),
    message: f[3]!,
    createdAt: f[4] || undefined,
    file: new RecordedFile(path, f[5] === '1', f[6] || undefined, f[7] || undefined, f[10]!, read),
    parentsLine,
    checksum: f[9]!,
  }
}

/** The parsed down file a record describes, at `path`; undefined when the record is not a down file's. */
export function downFromRecord(path: string, record: string, read: (path: string) => string): ParsedDown | undefined {
  const f = record.split('\t')
  if (f.length !== 8 || f[0] !== DOWN) return undefined
  const file = new RecordedDownFile(path, f[2] === '1', f[3] || undefined, f[4] || undefined, f[7]!, read, f[5] || undefined)
  if (f[6] === '1') file.nothingToUndo = true
  return { revision: f[1]!, file }
}

/** True for a file built from its record (it passed the load-time checks when it was read). */
export function isRecorded(file: ScriptFile): boolean {
  return file instanceof RecordedFile
}

/** A file known by its record: its text is read when first asked for, and must be the text recorded. */
class RecordedFile implements ScriptFile {
  readonly path: string
  readonly transaction: boolean
  readonly lockTimeout: string | undefined
  readonly statementTimeout: string | undefined
  readonly #hash: string
  readonly #read: (path: string) => string
  #text: string | undefined
  constructor(path: string, transaction: boolean, lockTimeout: string | undefined, statementTimeout: string | undefined, hash: string, read: (path: string) => string) {
    this.path = path
    this.transaction = transaction
    this.lockTimeout = lockTimeout
    this.statementTimeout = statementTimeout
    this.#hash = hash
    this.#read = read
  }
  /** @throws InvalidMigrationError FILE_CHANGED_WHILE_RUNNING when the file is no longer the one loaded */
  get text(): string {
    if (this.#text === undefined) {
      let text: string | undefined
      try {
        text = this.#read(this.path)
      } catch {
        text = undefined
      }
      if (text === undefined || rawHashOf(text) !== this.#hash) {
        throw new InvalidMigrationError('FILE_CHANGED_WHILE_RUNNING', `Cannot use "${this.path}": it changed after sqlmig read the migrations folder`, {
          location: { file: this.path, line: 1, column: 1 },
          hint: 'Run the command again once the file is saved (it is then read and checked anew)',
        })
      }
      this.#text = text
    }
    return this.#text
  }
}

class RecordedDownFile extends RecordedFile implements DownFile {
  readonly irreversible: string | undefined
  nothingToUndo?: boolean
  constructor(path: string, transaction: boolean, lockTimeout: string | undefined, statementTimeout: string | undefined, hash: string, read: (path: string) => string, irreversible: string | undefined) {
    super(path, transaction, lockTimeout, statementTimeout, hash, read)
    this.irreversible = irreversible
  }
}
