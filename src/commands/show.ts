/**
 * `sqlmig show <rev>`: one revision's details and SQL, as Alembic's `show`: a revision (or unique
 * prefix), `head`, `heads`, or `current` (what the database is at; the only form that connects).
 */
import { currentHeads, toGraphApplied } from '../graph/applied-revision.ts'
import { resolveHead, resolveRevision } from '../graph/resolve.ts'
import { peekApplied } from '../runner/version-table.ts'
import type { Project } from './project-model.ts'
import { type CommonOptions, openProject, withProjectDatabase } from './project.ts'
import { hinting } from './hints.ts'

export interface ShowResult {
  revision: string
  down_revision: string[]
  children: string[]
  message: string
  created: string | null
  transaction: boolean
  irreversible: string | null
  checksum: string
  up: { path: string; sql: string }
  down: { path: string; sql: string }
}

/** Details of one revision (full id or unique prefix). */
export function show(revision: string, options: CommonOptions = {}): ShowResult {
  return hinting('show', () => unhintedShow(revision, options))
}

/**
 * `show heads` and `show current` (every head, every current revision: an array), `show head`
 * (the single head) or a revision, as `show` gives them.
 */
export async function showTarget(target: string, options: CommonOptions = {}): Promise<ShowResult | ShowResult[]> {
  return await hinting('show', async () => {
    if (target === 'current') {
      return await withProjectDatabase(options, async (project, db) => currentHeads(project.graph, toGraphApplied((await peekApplied(db, project.versionTable)) ?? [])).map((id) => detailsOf(project, id)))
    }
    if (target === 'heads') {
      const project = openProject(options)
      return project.graph.heads().map((id) => detailsOf(project, id))
    }
    return unhintedShow(target, options)
  })
}

function unhintedShow(revision: string, options: CommonOptions = {}): ShowResult {
  const project = openProject(options)
  return detailsOf(project, revision === 'head' ? resolveHead(project.graph) : resolveRevision(project.graph, revision))
}

function detailsOf(project: Project, id: string): ShowResult {
  const s = project.scripts.get(id)!
  return {
    revision: id,
    down_revision: [...s.parents],
    children: [...project.graph.children(id)],
    message: s.message,
    created: s.createdAt ?? null,
    transaction: s.up.transaction,
    irreversible: s.down.irreversible ?? null,
    checksum: s.checksum,
    up: { path: s.up.path, sql: s.up.text },
    down: { path: s.down.path, sql: s.down.text },
  }
}
