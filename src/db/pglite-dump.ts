/**
 * PGlite's data directory as one archive (dumpDataDir): the embedded database's backup and the
 * source of its in-memory rehearsal copy. Loaded lazily, like every PGlite import.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { ConnectionError } from '../errors.ts'
import { lockPgliteDir, type PgliteLockOptions } from './pglite-lock.ts'

/** The data directory at `location` as a tar archive (gzip-compressed or not), read under the directory's lock. */
export async function dumpPgliteDir(location: string, compression: 'none' | 'gzip', lockOptions: PgliteLockOptions = {}): Promise<Blob> {
  // Opening a missing directory would create a new, empty database: refuse instead.
  if (!existsSync(join(location, 'PG_VERSION'))) {
    throw new ConnectionError(`Cannot read the embedded database at "${location}": there is no database there`, {
      hint: 'Check --url (pglite:<directory>) or run "sqlmig upgrade" first to create it',
    })
  }
  const lock = await lockPgliteDir(location, lockOptions)
  try {
    const pg = await PGlite.create(location)
    try {
      return await pg.dumpDataDir(compression)
    } finally {
      await pg.close()
    }
  } finally {
    lock.release()
  }
}
