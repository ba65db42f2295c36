/**
 * The script directory (Alembic's ScriptDirectory): lists `<dir>/versions/`, pairs every
 * `*.up.sql` with its `*.down.sql` by the `revision` header (names don't matter), and writes new
 * pairs. Every problem found is collected so that one run shows all of them; nothing is
 * executed while any file is invalid.
 */
import { randomBytes } from 'node:crypto'
import { setImmediate } from 'node:timers'
import { InvalidMigrationError, SqlmigError } from '../errors.ts'
import type { FileIndex, FileStamp } from './file-index.ts'
import type { FileSource } from './file-source.ts'
import { transactionProblems } from './file-statements.ts'
import { formatHeader } from './header.ts'
import { type ParsedDown, type ParsedUp, parseDownFile, parseUpFile, type Script, type ScriptFile } from './script.ts'
import { downFromRecord, downRecord, isRecorded, upFromRecord, upRecord } from './script-record.ts'

export const VERSIONS_DIR = 'versions'

/** Path of the versions folder inside a migrations dir. */
export function versionsDir(source: FileSource, dir: string): string {
  return source.join(dir, VERSIONS_DIR)
}

/** Reads and pairs every migration; throws InvalidMigrationError (all problems listed) if any is wrong. */
export function loadScripts(source: FileSource, dir: string): Script[] {
  const steps = scanScripts(source, dir)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/** Files read between two yields of loadScriptsInterleaved. */
const FILES_PER_SLICE = 32

/**
 * loadScripts in slices, giving the event loop a turn between them, so that I/O started just
 * before (a database connection being opened) makes progress while the files are read.
 */
export async function loadScriptsInterleaved(source: FileSource, dir: string): Promise<Script[]> {
  const steps = scanScripts(source, dir)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/** The work of loadScripts; yields after every FILES_PER_SLICE files. */
function* scanScripts(source: FileSource, dir: string): Generator<void, Script[]> {
  const folder = versionsDir(source, dir)
  // Opened before the folder is listed: a file changed from now on is never taken from it.
  const index = source.openIndex?.(folder)
  const names = source.list(folder)
  if (names === undefined) {
    throw new InvalidMigrationError('NO_VERSIONS_DIR', `Cannot find the migrations folder "${folder}"`)
  }
  const problems: SqlmigError[] = []
  const ups = new Map<string, ParsedUp>()
  const downs = new Map<string, ParsedDown>()
  // Revisions whose file failed to parse: their twin is not reported as orphaned too.
  const broken = new Set<string>()
  // Files read with a stamp not too recent (recorded once they passed every check); the others come from the index.
  let fromIndex = 0
  const read = new Map<ScriptFile, ReadFile>()
  let count = 0
  // folder + separator, once: path.join per file (it normalises) cost more than reading the file.
  const prefix = source.join(folder, 'x').slice(0, -1)
  const readText = (path: string) => source.read(path)
  for (const name of [...names].sort()) {
    const isUp = name.endsWith('.up.sql')
    if (!isUp && !name.endsWith('.down.sql')) continue
    if (++count % FILES_PER_SLICE === 0) yield
    const path = prefix + name
    const stamp = index?.stamp(path)
    const record = stamp && index!.lookup(name, stamp)
    if (record !== undefined) {
      const up = isUp ? upFromRecord(path, record, readText) : undefined
      const down = isUp ? undefined : downFromRecord(path, record, readText)
      const file = up?.file ?? down?.file
      if (file !== undefined) {
        index!.keep(name)
        fromIndex++
        if (up) addUp(up)
        else addDown(down!)
        continue
      }
    }
    try {
      const text = source.read(path)
      if (isUp) {
        const up = parseUpFile(path, text)
        if (stamp && !index!.isRacy(stamp)) read.set(up.file, { name, stamp, text, parsed: { up } })
        addUp(up)
      } else {
        const down = parseDownFile(path, text)
        if (stamp && !index!.isRacy(stamp)) read.set(down.file, { name, stamp, text, parsed: { down } })
        addDown(down)
      }
    } catch (error) {
      if (!(error instanceof SqlmigError)) throw error
      problems.push(error)
      const id = /^--[ \t]*revision[ \t]*:[ \t]*(\S+)/m.exec(source.read(path))?.[1]
      if (id) broken.add(id)
    }
  }
  function addUp(up: ParsedUp): void {
    const twin = ups.get(up.revision)
    if (twin) problems.push(duplicate(up.revision, twin.file.path, up.file.path, 'up'))
    else ups.set(up.revision, up)
  }
  function addDown(down: ParsedDown): void {
    const twin = downs.get(down.revision)
    if (twin) problems.push(duplicate(down.revision, twin.file.path, down.file.path, 'down'))
    else downs.set(down.revision, down)
  }
  const scripts: Script[] = []
  for (const [revision, up] of ups) {
    const down = downs.get(revision)
    if (!down && broken.has(revision)) continue
    if (!down) {
      problems.push(new InvalidMigrationError('MISSING_DOWN_FILE', `Revision "${revision}" has no down file`, {
        location: { file: up.file.path, line: 1, column: 1 },
        hint: `Create ${up.file.path.replace(/\.up\.sql$/, '.down.sql')} starting with "-- revision: ${revision}"`,
      }))
      continue
    }
    scripts.push(new PairedScript(up, down))
  }
  for (const [revision, down] of downs) {
    if (!ups.has(revision) && !broken.has(revision)) {
      problems.push(new InvalidMigrationError('MISSING_UP_FILE', `Revision "${revision}" has a down file but no up file`, {
        location: { file: down.file.path, line: 1, column: 1 },
        hint: `Create ${down.file.path.replace(/\.down\.sql$/, '.up.sql')} with "-- revision: ${revision}" and "-- down_revision: ...", or delete the down file`,
      }))
    }
  }
  // Files from the index passed these checks when they were read: with every file from it, none is left to check.
  if (fromIndex < count) problems.push(...transactionProblems(scripts, fromIndex > 0 ? (file) => !isRecorded(file) : undefined))
  if (index) {
    recordChecked(index, scripts, read, new Set(problems.map((p) => p.location?.file)))
    index.save()
  }
  if (problems.length === 1) throw problems[0]
  if (problems.length > 1) {
    throw new InvalidMigrationError('INVALID_MIGRATIONS', `${problems.length} problems in the migration files`, {
      detail: problems.map((p) => `${p.where ? `${p.where}: ` : ''}${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`).join('\n'),
      hint: 'Fix each file listed above; nothing was run',
    })
  }
  return scripts
}

/** A file read in this scan, to be recorded in the file index if every check passes. */
interface ReadFile {
  name: string
  stamp: FileStamp
  text: string
  parsed: { up: ParsedUp } | { down: ParsedDown }
}

/**
 * Records in the index the files read in this scan that ended in a script (paired, no duplicate)
 * and that no problem names: the others are read again next time, and so reported again.
 */
function recordChecked(index: FileIndex, scripts: Script[], read: Map<ScriptFile, ReadFile>, named: Set<string | undefined>): void {
  if (read.size === 0) return
  for (const s of scripts) {
    for (const file of [s.up, s.down]) {
      const r = read.get(file)
      if (r === undefined || named.has(file.path)) continue
      const record = 'up' in r.parsed ? upRecord(r.parsed.up, r.text) : downRecord(r.parsed.down, r.text)
      if (record !== undefined) index.record(r.name, r.stamp, record)
    }
  }
}

/** A revision's up and down file. A class, not an object literal with a getter: 10,000 of these are built at every start. */
class PairedScript implements Script {
  readonly id: string
  readonly parents: string[]
  readonly message: string
  readonly createdAt: string | undefined
  readonly up: ScriptFile
  readonly down: ParsedDown['file']
  readonly source: string
  readonly line: number | undefined
  readonly #up: ParsedUp
  constructor(up: ParsedUp, down: ParsedDown) {
    this.id = up.revision
    this.parents = up.parents
    this.message = up.message
    this.createdAt = up.createdAt
    this.up = up.file
    this.down = down.file
    this.source = up.file.path
    this.line = up.parentsLine
    this.#up = up
  }
  get checksum(): string {
    return this.#up.checksum
  }
}

function duplicate(revision: string, first: string, second: string, kind: 'up' | 'down'): InvalidMigrationError {
  return new InvalidMigrationError('DUPLICATE_REVISION', `Revision "${revision}" is claimed by two ${kind} files: "${first}" and "${second}"`, {
    location: { file: second, line: 1, column: 1 },
    // Said here, not in commands/hints.ts: it is listed with the other problems of the folder.
    hint: 'Give one of them a new id (12 hex digits, as sqlmig create writes) and fix down_revision in its children',
    data: { revision, files: [first, second] },
  })
}

/** 12 random hex digits, as `create` makes. */
export function newRevisionId(): string {
  return randomBytes(6).toString('hex')
}

/**
 * File-name slug of a message: lower case, words joined by "_", at most 40 characters. Letters
 * of any language stay; Latin letters lose their accents ("l'été" → "l_ete", not "l_e_te": the
 * accent is a combining mark after NFKD, dropped, not a word break). Other scripts' marks stay
 * (a Devanagari vowel sign is part of its word).
 */
export function slugify(message: string): string {
  const plain = message.normalize('NFKD').replace(/(\p{Script=Latin})\p{M}+/gu, '$1').normalize('NFC').toLowerCase()
  const slug = [...plain.replace(/[^\p{L}\p{M}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '')].slice(0, 40).join('').replace(/_+$/, '')
  return slug || 'migration'
}

/** UTC yyyymmddHHMMSS. */
export function timestampOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

export interface NewScript {
  revision: string
  parents: string[]
  message: string
  created: Date
  upBody: string
  downBody: string
  transaction?: boolean
  /** The down file's `transaction` header, when it differs from the up's. */
  downTransaction?: boolean
  irreversible?: string
}

export interface WrittenScript {
  revision: string
  upPath: string
  downPath: string
}

/** Writes `<UTC yyyymmddHHMMSS>_<revision>_<slug>.up.sql` and `.down.sql`. */
export function writeScriptPair(source: FileSource, dir: string, s: NewScript): WrittenScript {
  const folder = versionsDir(source, dir)
  source.mkdirp(folder)
  const base = `${timestampOf(s.created)}_${s.revision}_${slugify(s.message)}`
  const upPath = source.join(folder, `${base}.up.sql`)
  const downPath = source.join(folder, `${base}.down.sql`)
  const flat = s.message.replace(/[\r\n]+/g, ' ').trim()
  const up: Array<[string, string]> = [
    ['revision', s.revision],
    ['down_revision', s.parents.length ? s.parents.join(', ') : 'none'],
    ['message', flat],
    ['created', s.created.toISOString().replace(/\.\d{3}Z$/, 'Z')],
  ]
  if (s.transaction === false) up.push(['transaction', 'false'])
  const down: Array<[string, string]> = [['revision', s.revision]]
  // The down of a CREATE INDEX CONCURRENTLY is a DROP INDEX CONCURRENTLY: outside a transaction too.
  if ((s.downTransaction ?? s.transaction) === false) down.push(['transaction', 'false'])
  if (s.irreversible) down.push(['irreversible', s.irreversible])
  source.create(upPath, `${formatHeader(up)}\n${s.upBody}`)
  source.create(downPath, `${formatHeader(down)}\n${s.downBody}`)
  return { revision: s.revision, upPath, downPath }
}
