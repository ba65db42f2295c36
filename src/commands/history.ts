/** `sqlmig history`: every revision, newest first, with applied ones marked. */
import { UsageError } from '../errors.ts'
import { currentHeads } from '../graph/applied-revision.ts'
import { resolveRevision } from '../graph/resolve.ts'
import { peekApplied } from '../runner/version-table.ts'
import { type CommonOptions, openProject, withProjectState } from './project.ts'
import { changedScripts } from './state-checks.ts'
import { hinting } from './hints.ts'

export interface HistoryOptions extends CommonOptions {
  /** Do not connect: list the files only (applied is false everywhere). */
  offline?: boolean | undefined
  /** A range "from:to" (either side may be empty; "base", "head", "current" or a revision), inclusive. */
  range?: string | undefined
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
  /** Applied and no applied child: where the database is. */
  isCurrent: boolean
  /** Applied, and its up file was edited since (the recorded checksum differs; see `repair`). */
  changed: boolean
  file: string
}

export interface HistoryResult {
  /** Newest first (reverse topological order). */
  revisions: HistoryEntry[]
  database: string | undefined
}

/** Lists the revision graph with the database's applied state. */
export async function history(options: HistoryOptions = {}): Promise<HistoryResult> {
  return await hinting('history', () => unhintedHistory(options))
}

async function unhintedHistory(options: HistoryOptions = {}): Promise<HistoryResult> {
  const { project, applied, database } = options.offline
    ? { project: openProject(options), applied: [], database: undefined }
    : await withProjectState(options, peekApplied, async (project, db, peeked) => ({ project, applied: peeked ?? [], database: db.description }), (project, database) => ({ project, applied: [], database }))
  const byId = new Map(applied.map((a) => [a.revision, a]))
  const heads = new Set(project.graph.heads())
  const branchPoints = new Set(project.graph.branchPoints())
  const currentIds = new Set(currentHeads(project.graph, applied.map((a) => ({ id: a.revision, order: a.order }))))
  const changed = new Set(changedScripts(project, applied).map((c) => c.revision))
  const inRange = rangeFilter(project, options.range, [...currentIds])
  const revisions = [...project.graph.topological()].reverse().filter(inRange).map((id): HistoryEntry => {
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
      isCurrent: currentIds.has(id),
      changed: changed.has(id),
      file: s.up.path,
    }
  })
  return { revisions, database }
}

/** The revisions a "from:to" range selects: descendants of from and ancestors of to, both inclusive. */
function rangeFilter(project: ReturnType<typeof openProject>, range: string | undefined, currentIds: string[]): (id: string) => boolean {
  if (range === undefined || range === '') return () => true
  const parts = range.split(':')
  if (parts.length !== 2) {
    throw new UsageError(`Cannot read the range "${range}"`, { hint: 'Write it as from:to, e.g. "a1b2c3:head", "base:current" or "a1b2c3:"' })
  }
  const g = project.graph
  const side = (text: string, which: 'from' | 'to'): Set<string> | undefined => {
    if (text === '' || (which === 'from' && text === 'base') || (which === 'to' && (text === 'head' || text === 'heads'))) return undefined
    const ids = text === 'current' ? currentIds : [resolveRevision(g, text)]
    const out = new Set<string>()
    for (const id of ids) for (const x of which === 'from' ? g.descendants(id, { inclusive: true }) : g.ancestors(id, { inclusive: true })) out.add(x)
    return out
  }
  const from = side(parts[0]!.trim(), 'from')
  const to = side(parts[1]!.trim(), 'to')
  return (id) => (from === undefined || from.has(id)) && (to === undefined || to.has(id))
}
