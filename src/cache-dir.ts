/**
 * sqlmig's cache directory, named here and only here: `$SQLMIG_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/sqlmig`, else `~/.cache/sqlmig`. What is kept there (PGlite's cluster image,
 * src/db/pglite-image.ts; the migrations folder's file index, src/files/file-index.ts) is only
 * ever a speed-up: nothing of it is needed, and a directory that cannot be read or written means
 * the work is done again.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

/** The cache directory (undefined: none can be named, e.g. no home directory). */
export function sqlmigCacheDir(): string | undefined {
  const env = process.env
  if (env.SQLMIG_CACHE_DIR) return env.SQLMIG_CACHE_DIR
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'sqlmig')
  const home = homedir()
  return home ? join(home, '.cache', 'sqlmig') : undefined
}

/** `SQLMIG_FILE_INDEX=off` (or `0`, `false`): the migrations folder's file index is neither read nor written. */
export function fileIndexDisabled(): boolean {
  const v = process.env.SQLMIG_FILE_INDEX
  return v !== undefined && /^(off|0|false|no)$/i.test(v.trim())
}
