/** `sqlmig current`: where the database is. */
import { currentHeads, toGraphApplied } from '../graph/applied-revision.ts'
import { type AppliedState, peekAppliedState } from '../runner/version-table.ts'
import { type CommonOptions, withProjectState } from './project.ts'
import type { Project } from './project-model.ts'
import { hinting } from './hints.ts'
import { type ChangedScript, changedScripts } from './state-checks.ts'
import { describeUntracked, type Untracked, untrackedHint, untrackedState } from './untracked.ts'

export interface CurrentOptions extends CommonOptions {}

export interface CurrentRevision {
  revision: string
  message: string
  isHead: boolean
  appliedAt: string
  /** Its up file was edited after it was applied (the recorded checksum differs). */
  changed: boolean
}

export interface CurrentResult {
  /** Current revisions (applied, with no applied child); empty at base. */
  current: string[]
  details: CurrentRevision[]
  /** Revisions an `upgrade heads` would apply. */
  pending: string[]
  /** Applied revisions whose up file was edited after they were applied (see `repair`). */
  changed: ChangedScript[]
  database: string
  /** Set when the database has tables of its own but no version table: upgrade would refuse it. */
  untracked?: (Untracked & { message: string; hint: string }) | undefined
}

/** Reads the applied state of the configured database. */
export async function current(options: CurrentOptions = {}): Promise<CurrentResult> {
  return await hinting('current', () => unhintedCurrent(options))
}

async function unhintedCurrent(options: CurrentOptions = {}): Promise<CurrentResult> {
  return await withProjectState(options, peekAppliedState, async (project, db, peeked) => {
    const found = peeked === undefined ? await untrackedState(db, project.versionTable, options.searchPath) : undefined
    const untracked = found && {
      ...found,
      message: `sqlmig does not track this database: ${describeUntracked(found, project.versionTable)}; "sqlmig upgrade" refuses to run on it`,
      hint: untrackedHint(found, project.versionTable),
    }
    return currentOf(project, peeked ?? [], db.description, untracked)
  }, (project, database) => currentOf(project, [], database, undefined))
}

function currentOf(project: Project, applied: AppliedState[], database: string, untracked: CurrentResult['untracked']): CurrentResult {
  const ids = currentHeads(project.graph, toGraphApplied(applied))
  const heads = new Set(project.graph.heads())
  const byId = new Map(applied.map((a) => [a.revision, a]))
  const done = new Set(byId.keys())
  const changed = changedScripts(project, applied)
  const changedIds = new Set(changed.map((c) => c.revision))
  return {
    current: ids,
    details: ids.map((id) => ({
      revision: id,
      message: project.scripts.get(id)?.message ?? '',
      isHead: heads.has(id),
      appliedAt: byId.get(id)!.appliedAt.toISOString(),
      changed: changedIds.has(id),
    })),
    pending: project.graph.topological().filter((id) => !done.has(id)),
    changed,
    database,
    ...(untracked ? { untracked } : {}),
  }
}
