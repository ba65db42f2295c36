/** `sqlmig heads`: the revisions nothing builds on. Needs no database. */
import { type CommonOptions, openProject } from './project.ts'
import { hinting } from './hints.ts'

export interface HeadsResult {
  heads: string[]
  details: { revision: string; message: string; file: string }[]
}

/** Lists the heads of the revision graph. */
export function heads(options: CommonOptions = {}): HeadsResult {
  return hinting('heads', () => unhintedHeads(options))
}

function unhintedHeads(options: CommonOptions = {}): HeadsResult {
  const project = openProject(options)
  const ids = project.graph.heads()
  return {
    heads: ids,
    details: ids.map((id) => {
      const s = project.scripts.get(id)!
      return { revision: id, message: s.message, file: s.up.path }
    }),
  }
}
