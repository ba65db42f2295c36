/**
 * Chooses an adapter by URL scheme and loads it lazily: `sqlmig current` against a server never
 * loads PGlite's WASM, and PGlite users never load postgres.js.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.ts'
import { redactUrl } from '../redact.ts'
import type { Database } from './database.ts'
import { isPostgresUrl } from './pg-url.ts'
import type { PgliteLockHolder } from './pglite-lock.ts'

export type { PgliteLockHolder } from './pglite-lock.ts'

/** The embedded database used when nothing else is configured. */
export const DEFAULT_URL = 'pglite:.sqlmig/pgdata'

export interface OpenOptions {
  /** application_name on a server (shown to other sessions waiting for the lock). */
  applicationName?: string
  /**
   * Return array columns as arrays (default true). false skips the driver's read of the
   * server's type catalog at connect (a round trip and ~20-40 ms on a cold start): arrays then
   * arrive in PostgreSQL's text form ('{a,b}'). The runner's own queries need no arrays.
   */
  arrays?: boolean
  /**
   * Seconds to wait for a server to accept the connection (0: forever). Default: the URL's
   * connect_timeout, else 10.
   */
  connectTimeoutSeconds?: number | undefined
  /**
   * A `pglite:<dir>` data directory is opened by one process at a time: give up waiting for
   * another process's hold after this many milliseconds (undefined waits forever).
   */
  lockTimeoutMs?: number | undefined
  /** Called once when a `pglite:<dir>` data directory is held by another process (undefined: holder unreadable). */
  onLockWait?: ((holder: PgliteLockHolder | undefined) => void) | undefined
  /** Stops waiting for a held data directory (rejects with the abort reason). */
  signal?: AbortSignal | undefined
  /**
   * PGlite only: the contrib extensions to load (PostgreSQL names), as decided for a project by
   * src/commands/embedded.ts. Ignored on a server.
   */
  pgliteExtensions?: readonly string[] | undefined
  /** A line saying what a long step is doing (PGlite's first initdb of a data directory). */
  onProgress?: ((line: string) => void) | undefined
}

/** True for URLs that name an embedded PGlite database. */
export function isPgliteUrl(url: string): boolean {
  return url.startsWith('pglite:')
}

/**
 * Where a `pglite:` URL points: `memory` for `pglite:memory`, else the data directory
 * (`pglite://` and `pglite:///abs` spellings included). An empty path is refused: it is what
 * `--url "pglite:$DIR"` becomes when the variable is unset, and treating it as an in-memory
 * database would report a successful upgrade of which nothing is kept.
 */
export function pgliteLocation(url: string): string {
  const rest = url.slice('pglite:'.length).replace(/^\/\//, '')
  if (rest.trim() === '') {
    throw new UsageError(`Cannot use database URL "${redactUrl(url)}": it names no data directory`, {
      hint: 'Use pglite:<directory> for a database kept on disk, or pglite:memory for one that is discarded at exit',
    })
  }
  return rest
}

/**
 * True when a `pglite:` URL names an embedded database that holds nothing yet: `pglite:memory`
 * (every open starts empty) or a data directory PGlite never initialised (no PG_VERSION). A
 * read-only command answers for it without starting PGlite, and without creating the directory.
 */
export function isUncreatedEmbedded(url: string): boolean {
  if (!isPgliteUrl(url)) return false
  const location = pgliteLocation(url)
  return location === 'memory' || !existsSync(join(location, 'PG_VERSION'))
}

/** What a Database opened on `url` would give as its description, for an embedded one (see isUncreatedEmbedded). */
export function embeddedDescription(url: string): string {
  return `pglite:${pgliteLocation(url)}`
}

/** Opens one session on the database a URL names: postgres://, postgresql://, pglite:<dir>, pglite:memory. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (isPostgresUrl(url)) {
    const { openPostgres } = await import('./postgres.ts')
    return await openPostgres(url, options)
  }
  if (isPgliteUrl(url)) {
    const { openPglite } = await import('./pglite.ts')
    return await openPglite(pgliteLocation(url), {
      extensions: options.pgliteExtensions,
      onProgress: options.onProgress,
      lock: { timeoutMs: options.lockTimeoutMs, onWait: options.onLockWait, signal: options.signal },
    })
  }
  throw new UsageError(`Cannot use database URL "${redactUrl(url)}": unknown scheme`, {
    hint: 'Use postgres://user@host:port/db, postgresql://..., pglite:<directory> or pglite:memory',
  })
}
