/** `sqlmig show <rev>`: one revision's details and SQL. Needs no database. */
import { resolveRevision } from '../graph/resolve.ts'
import { type CommonOptions, openProject } from './project.ts'
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

function unhintedShow(revision: string, options: CommonOptions = {}): ShowResult {
  const project = openProject(options)
  const id = resolveRevision(project.graph, revision)
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
