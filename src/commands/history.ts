/** `sqlmig history`: every revision, newest first, with applied ones marked. */
import { readApplied } from '../runner/version-table.ts'
import { type CommonOptions, openProject, withDatabase } from './project.ts'

export interface HistoryOptions extends CommonOptions {
  /** Do not connect: list the files only (applied is false everywhere). */
  offline?: boolean | undefined
}

export interface HistoryEntry {
  revision: string
  down_revision: string[]
  message: string
  created: string | null
  applied: boolean
  applied_at: string | null
  isHead: boolean
  isMerge: boolean
  isBranchPoint: boolean
  file: string
}

export interface HistoryResult {
  /** Newest first (reverse topological order). */
  revisions: HistoryEntry[]
  database: string | undefined
}

/** Lists the revision graph with the database's applied state. */
export async function history(options: HistoryOptions = {}): Promise<HistoryResult> {
  const project = openProject(options)
  const read = async () => {
    if (options.offline) return { applied: [], database: undefined }
    return await withDatabase(project.config, options, async (db) => ({ applied: await readApplied(db, project.versionTable), database: db.description }))
  }
  const { applied, database } = await read()
  const byId = new Map(applied.map((a) => [a.revision, a]))
  const heads = new Set(project.graph.heads())
  const branchPoints = new Set(project.graph.branchPoints())
  const revisions = [...project.graph.topological()].reverse().map((id): HistoryEntry => {
    const s = project.scripts.get(id)!
    const a = byId.get(id)
    return {
      revision: id,
      down_revision: [...s.parents],
      message: s.message,
      created: s.createdAt ?? null,
      applied: a !== undefined,
      applied_at: a ? a.appliedAt.toISOString() : null,
      isHead: heads.has(id),
      isMerge: s.parents.length > 1,
      isBranchPoint: branchPoints.has(id),
      file: s.up.path,
    }
  })
  return { revisions, database }
}
