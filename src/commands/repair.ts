/**
 * `sqlmig repair [revision...]` (also `stamp --update-checksums <revision>`): an applied up file
 * was edited on purpose; record its checksum as it is now, so that runs stop refusing it. With
 * no revision, every applied file that changed; a named revision that is unchanged is left alone.
 */
import { RevisionError } from '../errors.ts'
import { resolveRevision } from '../graph/resolve.ts'
import { hinting } from './hints.ts'
import { type CommonOptions, lockTimeoutMs, withProjectDatabase } from './project.ts'
import { changedScripts } from './state-checks.ts'

export interface RepairOptions extends CommonOptions {
  /** Revisions (ids or unique prefixes) to repair; none: every applied revision whose file changed. */
  revisions?: string[] | undefined
  /** Write inside a transaction and roll back: report what would be recorded. */
  dryRun?: boolean | undefined
  signal?: AbortSignal | undefined
}

/** One checksum recorded anew. */
export interface RepairedRevision {
  revision: string
  /** The up file whose checksum this is. */
  file: string
  oldChecksum: string
  newChecksum: string
}

export interface RepairResult {
  repaired: RepairedRevision[]
  dryRun: boolean
  database: string
}

/**
 * Records the current checksum of applied up files edited since they ran.
 * @param options the revisions to repair (default: all that changed), dryRun, and the common options
 * @returns the checksums written (old and new)
 * @throws RevisionError NOT_APPLIED when a named revision is not applied, UNKNOWN_REVISION when no file defines it
 * @example
 * ```ts
 * import { repair } from 'sqlmig'
 * const { repaired } = await repair({ revisions: ['3f2a9c'], dryRun: true })
 * console.log(repaired.map((r) => r.file))
 * ```
 */
export async function repair(options: RepairOptions = {}): Promise<RepairResult> {
  return await hinting('repair', () => unhintedRepair(options))
}

async function unhintedRepair(options: RepairOptions): Promise<RepairResult> {
  const limit = lockTimeoutMs(options)
  let named: string[] | undefined
  return await withProjectDatabase(options, async (project, db) => {
    const repaired: RepairedRevision[] = []
    const { updateChecksums } = await import('../runner/update-checksums.ts')
    await updateChecksums({
      db,
      versionTable: project.versionTable,
      lockTimeoutMs: limit ?? lockTimeoutMs(options, project.config),
      dryRun: options.dryRun === true,
      onEvent: options.onEvent,
      signal: options.signal,
      updates: (applied) => {
        const recorded = new Map(applied.map((a) => [a.revision, a]))
        for (const id of named ?? []) {
          if (!recorded.has(id)) throw new RevisionError('NOT_APPLIED', `Cannot repair "${id}": it is not applied, so no checksum is recorded for it`, { data: { revision: id } })
        }
        const wanted = named && new Set(named)
        for (const c of changedScripts(project, applied)) {
          if (wanted && !wanted.has(c.revision)) continue
          repaired.push({ revision: c.revision, file: c.file, oldChecksum: recorded.get(c.revision)!.checksum, newChecksum: project.scripts.get(c.revision)!.checksum })
        }
        return repaired.map((r) => ({ revision: r.revision, checksum: r.newChecksum }))
      },
    })
    return { repaired, dryRun: options.dryRun === true, database: db.description }
  }, {}, (project) => {
    named = options.revisions?.length ? options.revisions.map((r) => resolveRevision(project.graph, r)) : undefined
  })
}
