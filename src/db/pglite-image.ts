/**
 * An empty, initialised PGlite cluster kept as a tarball, from which in-memory instances (the
 * shadows of `create`/`check`/`diff`, `verify` and `rehearse` copies) and new data directories
 * start instead of running initdb each time: initdb costs about 3 s of CPU and 140 MB of peak
 * memory per instance, a start from the image about 40% less CPU.
 *
 * The image is made on first use (a fresh instance is dumped before anything runs in it) and
 * written to the user's cache directory (src/cache-dir.ts: `$SQLMIG_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/sqlmig`, else `~/.cache/sqlmig`), under a name carrying its format and the PGlite version; within a
 * process it is read once. Nothing of the user's is ever in it, and it is only a speed-up: a cache that cannot be
 * read or written, or an image PGlite refuses, means initdb runs as before.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { sqlmigCacheDir } from '../cache-dir.ts'

/**
 * Two images: `scratch`, for in-memory instances (its format v2 is made with 1 MB WAL segments
 * and their small settings, pglite.ts; v1 had none), and `datadir`, a plain initdb as a new
 * data directory gets it (PGlite's own postgresql.conf, 16 MB segments).
 */
export type ClusterImageKind = 'scratch' | 'datadir'

const IMAGE_NAME: Record<ClusterImageKind, string> = { scratch: 'v2-pglite-%s-empty-cluster', datadir: 'v1-pglite-%s-data-directory' }

const memo = new Map<ClusterImageKind, { path: string; image: Blob | undefined }>()

function pgliteVersion(): string {
  try {
    const entry = import.meta.resolve('@electric-sql/pglite')
    const pkg = JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Where the image of this PGlite version lives (undefined: no cache directory can be named). */
export function clusterImagePath(kind: ClusterImageKind = 'scratch'): string | undefined {
  const dir = sqlmigCacheDir()
  return dir ? join(dir, `${IMAGE_NAME[kind].replace('%s', pgliteVersion())}.tar.gz`) : undefined
}

/** The cached image, if there is one. */
export function readClusterImage(kind: ClusterImageKind = 'scratch'): Blob | undefined {
  const path = clusterImagePath(kind)
  if (!path) return undefined
  if (memo.get(kind)?.path !== path) {
    let image: Blob | undefined
    try {
      image = new Blob([readFileSync(path)])
    } catch {
      image = undefined
    }
    memo.set(kind, { path, image })
  }
  return memo.get(kind)!.image
}

/** Keeps `image` (a dump of a fresh cluster) for the instances to come; failures are ignored. */
export function saveClusterImage(image: Blob, bytes: Uint8Array, kind: ClusterImageKind = 'scratch'): void {
  const path = clusterImagePath(kind)
  if (!path) return
  memo.set(kind, { path, image })
  const tmp = `${path}.${process.pid}.tmp`
  try {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(tmp, bytes)
    renameSync(tmp, path)
  } catch {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // Not even the temporary file could be made.
    }
  }
}

/** Forgets an image PGlite refused (and removes the file, so the next fresh cluster replaces it). */
export function discardClusterImage(kind: ClusterImageKind = 'scratch'): void {
  const path = clusterImagePath(kind)
  if (path) memo.set(kind, { path, image: undefined })
  else memo.delete(kind)
  try {
    if (path) rmSync(path, { force: true })
  } catch {
    // Left for saveClusterImage to replace.
  }
}
