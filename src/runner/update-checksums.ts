/**
 * `sqlmig repair`: record the checksum of an applied file as it is now, as Flyway's repair does,
 * for an edit made on purpose (a comment, formatting) that should no longer block runs. One
 * transaction under the migration lock; no migration SQL runs.
 */
import { lockedVersionWrite, type VersionWriteRequest } from './replace-versions.ts'
import type { AppliedRecord } from './version-table.ts'
import { readRecorded, versionTableFound } from './version-rows.ts'

export interface ChecksumUpdate {
  revision: string
  checksum: string
}

export interface UpdateChecksumsRequest extends VersionWriteRequest {
  /** The new checksums, chosen from the rows read under the lock. */
  updates: (applied: AppliedRecord[]) => ChecksumUpdate[]
}

/** Writes each update's checksum into its row; returns the rows read before and the updates made. */
export async function updateChecksums(req: UpdateChecksumsRequest): Promise<{ before: AppliedRecord[]; updated: ChecksumUpdate[] }> {
  return await lockedVersionWrite(req, async (k, name) => {
    // No version table: nothing is applied, so nothing to repair (and nothing is created).
    const before = (await versionTableFound(k, name)) ? await readRecorded(k, name) : []
    const updated = req.updates(before)
    for (const u of updated) {
      await k.withSchema(name.schema).updateTable(name.table).set({ checksum: u.checksum }).where('revision', '=', u.revision).execute()
    }
    return { before, updated }
  })
}
