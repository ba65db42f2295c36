/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM). One instance is one session.
 * Loaded only for `pglite:` URLs, so server users never pay for the WASM start-up.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { PGlite, type Extension } from '@electric-sql/pglite'
import { ConnectionError } from '../errors.ts'
import { copyWithoutData, type Database } from './database.ts'
import { isCopyFromStdin } from '../sql/copy-data.ts'
import { pgliteExtensionModules } from './pglite-extensions.ts'
import { discardClusterImage, readClusterImage, saveClusterImage } from './pglite-image.ts'
import { lockPgliteDir, type PgliteLock, type PgliteLockOptions } from './pglite-lock.ts'

export interface PgliteOpenOptions {
  loadDataDir?: Blob
  /** The data directory's lock (see pglite-lock.ts): how long to wait, whom to tell. `memory` takes none. */
  lock?: PgliteLockOptions | undefined
  /** Contrib extensions to load (PostgreSQL names, e.g. "uuid-ossp"); what they require is added. */
  extensions?: readonly string[] | undefined
  /** Told when a data directory is created (initdb takes a few seconds). */
  onProgress?: ((line: string) => void) | undefined
}

/**
 * Settings of in-memory instances: scratch databases built once and thrown away. PGlite's
 * default 128 MB of shared buffers is memory the process touches at start; 16 MB holds the
 * catalogs of a schema of hundreds of tables (bench/shadow.ts).
 */
const IN_MEMORY_SETTINGS = ['shared_buffers = 16MB']
/** And for those from the empty cluster (1 MB segments; PostgreSQL refuses a min_wal_size under two). */
const EMPTY_CLUSTER_SETTINGS = [...IN_MEMORY_SETTINGS, 'min_wal_size = 2MB', 'max_wal_size = 4MB']

/**
 * The empty cluster is made with 1 MB WAL segments instead of 16 MB ones: the WAL lives in
 * memory too, and a CHECKPOINT (loadTexts runs some during a long load) then leaves only a few
 * MB of it, where 16 MB segments keep two or more whole segments (32 MB after a 500-table load).
 */
const IN_MEMORY_INITDB = ['--wal-segsize=1']

/**
 * V8 flags for PGlite's WASM in processes that open PGlite (scratch instances and data
 * directories alike). V8 compiles the module
 * with its baseline compiler (Liftoff), then recompiles the functions a long load keeps hot with
 * TurboFan, whose compilation memory for PostgreSQL's large functions, with the optimized code,
 * is ~100 MB of peak RSS on a 500-table `create` (bench/README.md); the load is no slower on
 * baseline code alone. Process-wide, and only for modules compiled after it is set.
 */
export const PGLITE_WASM_FLAGS = ['--liftoff-only'] as const

let wasmFlagsApplied = false

/**
 * Sets PGLITE_WASM_FLAGS once, before the first instance compiles the module: on
 * Node only (Deno takes V8 flags on its command line, `--v8-flags`). True when they were set
 * by this call.
 */
export function applyPgliteWasmFlags(set: (flags: string) => void = setFlagsFromString): boolean {
  if (wasmFlagsApplied || 'Deno' in globalThis) return false
  wasmFlagsApplied = true
  for (const flag of PGLITE_WASM_FLAGS) set(flag)
  return true
}

/**
 * An in-memory instance: from `image` when given, else from the cached empty cluster
 * (pglite-image.ts), else a fresh initdb whose result becomes that cache.
 */
async function openInMemory(image: Blob | undefined, extensions: Record<string, Extension> | undefined): Promise<PGlite> {
  applyPgliteWasmFlags()
  const ext = extensions ? { extensions } : {}
  if (image) return await PGlite.create({ postgresqlconf: IN_MEMORY_SETTINGS, ...ext, loadDataDir: image })
  const settings = { postgresqlconf: EMPTY_CLUSTER_SETTINGS, ...ext }
  const cached = readClusterImage()
  if (cached) {
    try {
      return await PGlite.create({ ...settings, loadDataDir: cached })
    } catch {
      discardClusterImage()
    }
  }
  const pg = await PGlite.create({ ...settings, initDbStartParams: IN_MEMORY_INITDB })
  const dump = await pg.dumpDataDir('gzip')
  saveClusterImage(dump, new Uint8Array(await dump.arrayBuffer()))
  return pg
}

/** Whether `dir` is missing or empty: a data directory to create (never one holding anything). */
function isNew(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0
  } catch {
    return !existsSync(dir)
  }
}

/**
 * A data directory: opened, or created, from the cached data-directory image (pglite-image.ts)
 * when there is one, else by initdb, whose fresh result (dumped before anything runs in it)
 * becomes that image. A directory the image could not fill is emptied again and initdb'd.
 */
async function openDataDir(location: string, extensions: Record<string, Extension> | undefined, onProgress: ((line: string) => void) | undefined): Promise<PGlite> {
  const ext = extensions ? { extensions } : {}
  if (existsSync(join(location, 'PG_VERSION'))) return await PGlite.create({ dataDir: location, ...ext })
  const fresh = isNew(location)
  onProgress?.(`Creating the embedded database in ${location} (PGlite's initdb, a few seconds the first time)`)
  mkdirSync(location, { recursive: true })
  const image = fresh ? readClusterImage('datadir') : undefined
  if (image) {
    try {
      return await PGlite.create({ dataDir: location, ...ext, loadDataDir: image })
    } catch {
      discardClusterImage('datadir')
      rmSync(location, { recursive: true, force: true })
      mkdirSync(location, { recursive: true })
    }
  }
  const pg = await PGlite.create({ dataDir: location, ...ext })
  if (fresh) {
    const dump = await pg.dumpDataDir('gzip')
    saveClusterImage(dump, new Uint8Array(await dump.arrayBuffer()), 'datadir')
  }
  return pg
}

/**
 * Opens an embedded database: `memory` keeps it in memory, anything else is a data directory,
 * which one process at a time may open: the directory's lock is taken first (waiting while
 * another process holds it) and released when the session closes.
 */
export async function openPglite(location: string, options: PgliteOpenOptions = {}): Promise<Database> {
  const inMemory = location === 'memory'
  // Unknown extensions are refused before the data directory is locked or created.
  const extensions = options.extensions?.length ? await pgliteExtensionModules(options.extensions) : undefined
  const lock: PgliteLock | undefined = inMemory ? undefined : await lockPgliteDir(location, options.lock)
  let pg: PGlite
  try {
    // Baseline code for a data directory too: most commands on one are short (`current` on a
    // project's PGlite: 1.0-1.2 s of CPU with TurboFan's recompiles, 0.6 s without), and a
    // 300-migration upgrade took the same CPU either way (load ~10, two runs each).
    if (!inMemory) applyPgliteWasmFlags()
    pg = inMemory ? await openInMemory(options.loadDataDir, extensions) : await openDataDir(location, extensions, options.onProgress)
  } catch (error) {
    lock?.release()
    throw new ConnectionError(`Cannot open the embedded database at "${location}": ${(error as Error)?.message ?? error}`, {
      hint: 'Check that the directory is writable and was created by PGlite, or use "pglite:memory"',
      cause: error,
    })
  }
  let closed = false
  const query = async (text: string, params: readonly unknown[] = []) => {
    const result = await pg.query(text, params as unknown[])
    return { rows: result.rows as unknown[], affected: result.affectedRows }
  }
  return {
    kind: 'pglite',
    description: `pglite:${inMemory ? 'memory' : location}`,
    name: inMemory ? 'memory' : location,
    async exec(text: string) {
      // PGlite would spin for ever waiting for rows that never come (and ignore signals).
      if (isCopyFromStdin(text)) throw copyWithoutData()
      await pg.exec(text)
    },
    async copyFrom(text: string, data: string) {
      // PGlite reads COPY data from a blob it is given as the file /dev/blob.
      await pg.query(text.replace(/\bstdin\b(?![\s\S]*\bstdin\b)/i, "'/dev/blob'"), [], { blob: new Blob([data]) })
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await query(text, params)).rows as R[]
    },
    async cancel() {
      // WASM runs a statement to its end; the runner checks for an abort between statements.
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await pg.close()
      } finally {
        lock?.release()
      }
    },
  }
}
