/** `sqlmig merge <rev> <rev>... -m "message"`: a revision that joins heads; empty up and down. */
import { UsageError } from '../errors.ts'
import { nodeFileSource } from '../files/file-source.ts'
import { newRevisionId, writeScriptPair } from '../files/script-directory.ts'
import { resolveRevision } from '../graph/resolve.ts'
import { type CommonOptions, openProject } from './project.ts'
import { hinting, mergeHint } from './hints.ts'

export interface MergeOptions extends CommonOptions {
  message?: string | undefined
  revision?: string | undefined
  now?: Date | undefined
}

export interface MergeResult {
  revision: string
  down_revision: string[]
  message: string
  up: string
  down: string
}

const MERGE_UP = '-- A merge revision: it joins its parents and changes nothing.\n'
const MERGE_DOWN = '-- Undoing a merge goes back to its parents; nothing to run.\n'

/** Writes a merge revision whose parents are the given revisions (or "heads": every head). */
export function merge(revisions: string[], options: MergeOptions = {}): MergeResult {
  return hinting('merge', () => unhintedMerge(revisions, options))
}

function unhintedMerge(revisions: string[], options: MergeOptions = {}): MergeResult {
  const project = openProject(options)
  const ids = revisions.length === 1 && revisions[0] === 'heads'
    ? project.graph.heads()
    : [...new Set(revisions.map((r) => resolveRevision(project.graph, r)))]
  if (ids.length < 2) {
    throw new UsageError(`Cannot merge ${ids.length === 1 ? `only "${ids[0]}"` : 'nothing'}: a merge needs at least two revisions`, {
      hint: mergeHint(project.graph.heads()),
    })
  }
  for (const a of ids) {
    for (const b of ids) {
      if (a !== b && project.graph.ancestors(b).includes(a)) {
        throw new UsageError(`Cannot merge "${a}" and "${b}": "${a}" is already an ancestor of "${b}"`, {
          hint: 'Merge revisions on different branches (see "sqlmig heads")',
        })
      }
    }
  }
  const message = options.message ?? `merge ${ids.join(', ')}`
  const revision = options.revision ?? newRevisionId()
  const written = writeScriptPair(nodeFileSource, project.config.dir, {
    revision,
    parents: ids,
    message,
    created: options.now ?? new Date(),
    upBody: MERGE_UP,
    downBody: MERGE_DOWN,
  })
  return { revision, down_revision: ids, message, up: written.upPath, down: written.downPath }
}
