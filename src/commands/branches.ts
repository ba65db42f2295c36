/** `sqlmig branches`: every branch point and its children. Needs no database. */
import { type CommonOptions, openProject } from './project.ts'
import { hinting } from './hints.ts'

export interface BranchPoint {
  revision: string
  message: string
  children: { revision: string; message: string }[]
}

export interface BranchesResult {
  branches: BranchPoint[]
}

/** Lists revisions with more than one child. */
export function branches(options: CommonOptions = {}): BranchesResult {
  return hinting('branches', () => unhintedBranches(options))
}

function unhintedBranches(options: CommonOptions = {}): BranchesResult {
  const project = openProject(options)
  const msg = (id: string) => project.scripts.get(id)?.message ?? ''
  return {
    branches: project.graph.branchPoints().map((id) => ({
      revision: id,
      message: msg(id),
      children: project.graph.children(id).map((c) => ({ revision: c, message: msg(c) })),
    })),
  }
}
