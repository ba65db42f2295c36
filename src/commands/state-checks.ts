/**
 * Checks of the database against the files before anything runs: every applied revision must
 * have its files, and no applied up file may have changed since it ran (normalised checksum).
 */
import { StateError } from '../errors.ts'
import { checkApplied, toGraphApplied } from '../graph/applied-revision.ts'
import type { AppliedRecord } from '../runner/version-table.ts'
import type { Project } from './project.ts'

export interface ChangedScript {
  revision: string
  file: string
}

/** Applied revisions whose up file changed since they were applied. */
export function changedScripts(project: Project, applied: ReadonlyArray<Pick<AppliedRecord, 'revision' | 'checksum'>>): ChangedScript[] {
  const out: ChangedScript[] = []
  for (const a of applied) {
    const script = project.scripts.get(a.revision)
    if (script && script.checksum !== a.checksum) out.push({ revision: a.revision, file: script.up.path })
  }
  return out
}

/**
 * Throws when an applied revision has no file (the database is ahead of the files, or a file was
 * deleted): the graph layer's APPLIED_REVISION_MISSING, one code and one wording everywhere.
 */
export function assertAppliedKnown(project: Project, applied: AppliedRecord[]): void {
  checkApplied(project.graph, toGraphApplied(applied))
}

/**
 * Throws when applied files changed, unless allowed; allowed, each changed file is a warning
 * (the run goes on with the checksums recorded when they were applied).
 */
export function assertUnchanged(project: Project, applied: AppliedRecord[], allowChanged: boolean, onWarning?: (line: string) => void): void {
  const changed = changedScripts(project, applied)
  if (changed.length === 0) return
  if (allowChanged) {
    for (const c of changed) onWarning?.(`--allow-changed: ${c.file} (revision "${c.revision}") was edited after being applied; running anyway, its recorded checksum is kept`)
    return
  }
  throw new StateError('CHANGED_MIGRATION', `Cannot run: ${changed.length === 1 ? 'an applied migration was' : `${changed.length} applied migrations were`} edited after being applied`, {
    detail: changed.map((c) => `  ${c.file} (revision "${c.revision}")`).join('\n'),
    data: { changed },
  })
}
