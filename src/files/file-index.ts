/**
 * The migrations folder's file index, kept the way git keeps its index: for each file, its stat
 * (size, mtime, ctime, inode, device) and a record of what loading derived from its text (see
 * script-record.ts). The next load stats each file and, where the stat is the one recorded,
 * takes the record instead of opening the file; any other file is read and checked as before.
 * An edit always changes the stat: a restored mtime (`touch -r`, `utimes`) still moves ctime,
 * which no user call sets back. A file changed shortly before it was read ("racy", as git calls
 * it) is not recorded: an edit within the same timestamp tick would leave its stat unchanged.
 *
 * The index lives in sqlmig's cache directory (src/cache-dir.ts), never in the project: one file
 * per versions folder and build of sqlmig, named by a hash of the two, whose first line names the
 * format, the build and the folder's real path; at most MAX_INDEXES are kept. It is only a speed-up: unreadable, corrupt or of
 * another build, it is ignored; unwritable, it is not kept; `SQLMIG_FILE_INDEX=off` turns it off.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { fileIndexDisabled, sqlmigCacheDir } from '../cache-dir.ts'
import { VERSION } from '../version.ts'

/** The format of the index file (in its name and its first line). */
const FORMAT = 1

/** The folder of the cache directory holding the indexes. */
const INDEX_DIR = 'file-index'

/** Indexes kept at most: writing one more removes the least recently written (of old builds, of deleted temporary folders...). */
export const MAX_INDEXES = 32

/**
 * A file whose mtime or ctime is less than this before the scan that read it is read again next
 * time instead of recorded. File timestamps come from the kernel's coarse clock (a tick of a few
 * milliseconds), from a server's clock on a network file system, or in whole seconds (HFS+,
 * ext3) or two (FAT): two seconds cover them, and cost only the re-reading of files just edited.
 */
export const RACY_MS = 2000

/** A file's stat as the index compares it, and the latest of its mtime and ctime. */
export interface FileStamp {
  key: string
  changedMs: number
}

export interface FileIndexOptions {
  /** Default: sqlmig's cache directory. */
  cacheDir?: string | undefined
  /** The clock the racy test reads (tests move it on instead of waiting). */
  now?: () => number
  /** How a file is stamped (tests stand in a file system with coarse timestamps and no ctime). */
  stamp?: (path: string) => FileStamp | undefined
}

/** The stat of `path`, or undefined when there is none to trust (not a file, or a field missing, as Deno may leave ctime or ino). */
export function statStamp(path: string): FileStamp | undefined {
  let s
  try {
    s = statSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
  if (s === undefined || !s.isFile()) return undefined
  const { size, mtimeMs, ctimeMs, ino, dev } = s
  if (!Number.isFinite(mtimeMs) || !Number.isFinite(ctimeMs) || !Number.isFinite(ino) || !Number.isFinite(dev)) return undefined
  // Whole milliseconds (integers print faster than fractions, and at every start): a recorded
  // file changed at least RACY_MS before it was read, so an edit after that moves ctime by more.
  return { key: `${size}:${Math.trunc(mtimeMs)}:${Math.trunc(ctimeMs)}:${ino}:${dev}`, changedMs: mtimeMs > ctimeMs ? mtimeMs : ctimeMs }
}

/** What identifies this build of sqlmig: its version, and this module's own file (a rebuild changes its stat). */
function buildId(): string {
  try {
    const s = statSync(fileURLToPath(import.meta.url))
    return `${VERSION}:${s.size}:${s.mtimeMs}`
  } catch {
    return VERSION
  }
}

/** One folder's index: what the last scan recorded, and what this scan keeps. */
export class FileIndex {
  readonly #file: string
  readonly #header: string
  /** Lines of the index read, by file name: `name \t stamp \t record`. */
  readonly #recorded: Map<string, string>
  /** Lines of the index to write. */
  readonly #lines: string[] = []
  #kept = 0
  readonly #racyFrom: number
  readonly stamp: (path: string) => FileStamp | undefined

  private constructor(file: string, header: string, recorded: Map<string, string>, racyFrom: number, stamp: (path: string) => FileStamp | undefined) {
    this.#file = file
    this.#header = header
    this.#recorded = recorded
    this.#racyFrom = racyFrom
    this.stamp = stamp
  }

  /**
   * The index of the folder `folder` (call it before the folder is scanned: the racy test counts
   * from now); undefined when there is none to use (turned off, no cache directory, no folder).
   * Never throws.
   */
  static open(folder: string, options: FileIndexOptions = {}): FileIndex | undefined {
    try {
      const dir = options.cacheDir ?? (fileIndexDisabled() ? undefined : sqlmigCacheDir())
      if (!dir) return undefined
      const now = (options.now ?? Date.now)()
      const real = realpathSync.native(folder)
      const build = buildId()
      // The build in the name too: the CLI's bundle and the library are two builds, and would
      // otherwise overwrite each other's index at every run.
      const file = join(dir, INDEX_DIR, `v${FORMAT}-${createHash('sha256').update(`${build}\0${real}`).digest('hex').slice(0, 32)}.tsv`)
      const header = `sqlmig file index\t${FORMAT}\t${build}\t${real}`
      return new FileIndex(file, header, readIndex(file, header), now - RACY_MS, options.stamp ?? statStamp)
    } catch {
      return undefined
    }
  }

  /** The record kept for `name` when its stamp is `stamp` (the file is unchanged), else undefined. */
  lookup(name: string, stamp: FileStamp): string | undefined {
    const line = this.#recorded.get(name)
    if (line === undefined) return undefined
    const at = name.length + 1
    if (!line.startsWith(stamp.key, at) || line.charCodeAt(at + stamp.key.length) !== 9) return undefined
    return line.slice(at + stamp.key.length + 1)
  }

  /** Keeps the record `lookup` found for `name` in the index written next. */
  keep(name: string): void {
    this.#lines.push(this.#recorded.get(name)!)
    this.#kept++
  }

  /**
   * Records a file read in this scan, unless it changed too recently to be told apart from a
   * later edit (racy), or its name or record would not fit on one line of the index.
   */
  record(name: string, stamp: FileStamp, record: string): void {
    if (this.isRacy(stamp)) return
    if (/[\t\n\r]/.test(name) || /[\n\r]/.test(record)) return
    this.#lines.push(`${name}\t${stamp.key}\t${record}`)
  }

  /** True when a file of this stamp changed too recently to be recorded. */
  isRacy(stamp: FileStamp): boolean {
    return stamp.changedMs >= this.#racyFrom
  }

  /** Writes the index when it differs from the one read (tmp file + rename); failures are ignored. */
  save(): void {
    if (this.#kept === this.#recorded.size && this.#lines.length === this.#kept) return
    const tmp = `${this.#file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.#file), { recursive: true })
      writeFileSync(tmp, `${this.#header}\n${this.#lines.join('\n')}\n`)
      renameSync(tmp, this.#file)
      prune(dirname(this.#file))
    } catch {
      try {
        rmSync(tmp, { force: true })
      } catch {
        // Not even the temporary file could be made.
      }
    }
  }
}

/** The lines of an index file by name; empty when the file is missing, unreadable or of another format, build or folder. */
function readIndex(file: string, header: string): Map<string, string> {
  const recorded = new Map<string, string>()
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return recorded
  }
  const lines = text.split('\n')
  if (lines[0] !== header) return recorded
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const tab = line.indexOf('\t')
    if (tab > 0) recorded.set(line.slice(0, tab), line)
  }
  return recorded
}

/** Removes the least recently written indexes beyond MAX_INDEXES (only when one is written, so never at a start with nothing new). */
function prune(dir: string): void {
  const names = readdirSync(dir)
  if (names.length <= MAX_INDEXES) return
  const aged = names.map((name) => ({ name, ms: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => a.ms - b.ms)
  for (const a of aged.slice(0, names.length - MAX_INDEXES)) rmSync(join(dir, a.name), { force: true })
}
