/**
 * `sqlmig verify`: the stairway test. On a fresh embedded database (or a scratch --url that it
 * leaves as it found it), walk the graph from base in topological order; for each revision:
 * snapshot the schema, upgrade it, downgrade it, compare with the snapshot, upgrade it again.
 * Files are executed directly; no version table is written.
 *
 * Every revision is checked: a finding is recorded and the walk goes on from the state "every
 * up so far applied". A transactional file that fails rolls back to a known state; one that ran
 * outside a transaction (or an up that fails to run again after its down) leaves a state no
 * file describes, so the scratch database is rebuilt (a fresh in-memory PGlite, or the --url
 * database emptied in place) and the ups applied so far replayed. Only failures pay for that.
 */
import type { Database } from '../db/database.ts'
import { createMissingRoles } from '../db/missing-roles.ts'
import { openDatabase } from '../db/open.ts'
import { referencedRoles } from '../sql/roles.ts'
import { embeddedOpenOptions } from './embedded.ts'
import { SqlmigError } from '../errors.ts'
import { redactUrl } from '../redact.ts'
import type { Script, ScriptFile } from '../files/script.ts'
import { statementsOf } from '../runner/execute-file.ts'
import { runFile } from '../runner/run-file.ts'
import { compareModels, type Difference } from '../schema/compare.ts'
import { introspect } from '../schema/introspect.ts'
import type { SchemaModel } from '../schema/model.ts'
import { reconcileDeparsed } from '../schema/reconcile-deparse.ts'
import { type CommonOptions, openProject, type Project } from './project.ts'
import { assertScratch, describeObjects, resetScratch, type ScratchObject, userObjects } from './verify-scratch.ts'

export interface VerifyOptions extends CommonOptions {}

/**
 * up-failed: the up fails on the state its ancestors leave (its descendants are skipped).
 * down-failed: the down fails right after the up. down-mismatch: the schema after the down
 * differs from the one before the up. reapply-failed: up, down, then the up fails again.
 * empty-down: a down with no statements and neither "down: none" nor "irreversible".
 * rebuild-failed: the scratch state could not be rebuilt after a failure (the walk stops).
 * not-restored: a --url database is not left empty.
 */
export type FindingKind = 'multiple-heads' | 'up-failed' | 'down-failed' | 'down-mismatch' | 'reapply-failed' | 'empty-down' | 'rebuild-failed' | 'not-restored'

export interface VerifyFinding {
  kind: FindingKind
  revision: string | null
  message: string
  /** For down-mismatch: how the schema after down differs from before up ("first" = before). */
  differences: Difference[]
  /** "file:line:column" of a failing statement, or the file concerned; null when none. */
  location: string | null
  /** The file concerned (the up or down file), null for findings about no one file. */
  file: string | null
  /** 1-based line of the failing statement, when known. */
  line: number | null
}

export interface VerifyResult {
  ok: boolean
  /** Revisions checked (their up was run). */
  checked: number
  total: number
  findings: VerifyFinding[]
  /** Revisions not checked: descendants of an up that failed (or all after a rebuild that failed). */
  skipped: string[]
  /** Times the scratch state was rebuilt after a file failed outside a transaction or an up could not run again. */
  rebuilds: number
  /** With --url: the user objects left in the scratch database (empty when it is left as it was found). */
  left: ScratchObject[]
  database: string
}

/** Runs one of the revision's files as the runner would (its own transaction unless `transaction: false`, its header's settings). */
async function runFileOf(db: Database, script: Script, file: ScriptFile): Promise<void> {
  await runFile(db, file, { revision: script.id, direction: file === script.down ? 'down' : 'up', rolledBackNote: '' })
}

/** A failure as a finding; with `what`, the message is "Revision "x": <what>: <the server's reason>". */
function failed(kind: FindingKind, script: Script, file: ScriptFile, error: unknown, what?: string, note = ''): VerifyFinding {
  const e = error instanceof SqlmigError ? error : undefined
  const message = e ? e.message : String((error as Error)?.message ?? error)
  return {
    kind,
    revision: script.id,
    message: what === undefined ? message : `Revision "${script.id}": ${what}: ${message.replace(/^Cannot (apply|undo) revision "[^"]*": /, '')}${note}`,
    differences: [],
    location: e?.where || file.path,
    file: e?.location?.file ?? file.path,
    line: e?.location?.line ?? null,
  }
}

/** The database verify walks on, and the ups applied to it so far (in order). */
class Walk {
  db: Database
  readonly applied: Script[] = []
  rebuilds = 0
  readonly #project: Project
  readonly #url: string
  constructor(db: Database, project: Project, url: string) {
    this.db = db
    this.#project = project
    this.#url = url
  }

  static async open(project: Project, url: string): Promise<Walk> {
    return new Walk(await Walk.#openDb(project, url), project, url)
  }

  static async #openDb(project: Project, url: string): Promise<Database> {
    const db = await openDatabase(url, embeddedOpenOptions(project, url))
    // The in-memory database is verify's own: give it the roles the migrations name (never a --url database's).
    if (url === 'pglite:memory') {
      try {
        await createMissingRoles(db, referencedRoles([...project.scripts.values()].flatMap((s) => [s.up.text, s.down.text])))
      } catch (error) {
        await db.close()
        throw error
      }
    }
    return db
  }

  /** Back to "every up in `applied` ran": a fresh database (in memory) or the --url one emptied, then the ups replayed. */
  async rebuild(): Promise<void> {
    this.rebuilds += 1
    if (this.#url === 'pglite:memory') {
      await this.db.close()
      this.db = await Walk.#openDb(this.#project, this.#url)
    } else {
      const left = await resetScratch(this.db)
      if (left.length > 0) throw new SqlmigError('VERIFY_REBUILD_FAILED', `Cannot empty the scratch database to rebuild it: it still holds ${describeObjects(left)}`)
    }
    for (const script of this.applied) await runFileOf(this.db, script, script.up)
  }
}

/** A down with no statements and no header saying why (merge revisions have neither up nor down SQL). */
function isEmptyDown(script: Script): boolean {
  return !script.down.irreversible && !script.down.nothingToUndo && statementsOf(script.down).length === 0 && statementsOf(script.up).length > 0
}

type Outcome = 'checked' | 'up-failed' | 'stop'

/** Rebuilds after a failure; a rebuild that fails is a finding of its own and stops the walk. */
async function rebuildAfter(walk: Walk, script: Script, findings: VerifyFinding[], outcome: Outcome): Promise<Outcome> {
  try {
    await walk.rebuild()
    return outcome
  } catch (error) {
    findings.push(failed('rebuild-failed', script, script.up, error, 'the scratch state cannot be rebuilt after it (the walk stops here)'))
    return 'stop'
  }
}

/** Up, down, compare, up again, for one revision; findings are recorded and the walk can always go on (unless 'stop'). */
async function checkRevision(walk: Walk, script: Script, findings: VerifyFinding[]): Promise<Outcome> {
  const id = script.id
  const emptyDown = isEmptyDown(script)
  if (emptyDown) {
    findings.push({ kind: 'empty-down', revision: id, message: `Revision "${id}" has an empty down file: write its down SQL, mark it "-- down: none" if undoing the up changes nothing, or "-- irreversible: <reason>"`, differences: [], location: script.down.path, file: script.down.path, line: null })
  }
  // Nothing to undo with: an irreversible revision (by design), "down: none", or an empty down (reported above).
  const undo = !script.down.irreversible && !script.down.nothingToUndo && !emptyDown
  const before = undo ? await introspect(walk.db) : undefined
  try {
    await runFileOf(walk.db, script, script.up)
  } catch (error) {
    findings.push(failed('up-failed', script, script.up, error))
    // A transactional up rolled back; one that ran outside a transaction may have done half its work.
    return script.up.transaction ? 'up-failed' : await rebuildAfter(walk, script, findings, 'up-failed')
  }
  walk.applied.push(script)
  if (!before) return 'checked'
  try {
    await runFileOf(walk.db, script, script.down)
  } catch (error) {
    // A transactional down rolled back: the state is "after the up" again.
    if (script.down.transaction) {
      findings.push(failed('down-failed', script, script.down, error, 'its down fails'))
      return 'checked'
    }
    findings.push(failed('down-failed', script, script.down, error, 'its down fails', ' (outside a transaction: what ran before the error stays, so the scratch state was rebuilt from the ups)'))
    return await rebuildAfter(walk, script, findings, 'checked')
  }
  // A down written from deparsed text (as autogenerate writes it) may deparse differently
  // once more: compare what the server means, as check does.
  const after = await introspect(walk.db)
  await reconcileDeparsed(walk.db, before, after)
  const differences = compareModels(before, after)
  if (differences.length > 0) {
    findings.push({
      kind: 'down-mismatch',
      revision: id,
      message: `Revision "${id}": its down does not restore the schema (${differences.length} difference${differences.length === 1 ? '' : 's'})`,
      differences,
      location: script.down.path,
      file: script.down.path,
      line: null,
    })
  }
  try {
    await runFileOf(walk.db, script, script.up)
  } catch (error) {
    findings.push(failed('reapply-failed', script, script.up, error, 'its up fails when run again after its down'))
    return await rebuildAfter(walk, script, findings, 'checked')
  }
  return 'checked'
}

/** With --url: undo what was applied, empty what the downs leave, and say what is still there. */
async function restoreScratch(walk: Walk, initial: SchemaModel, findings: VerifyFinding[]): Promise<ScratchObject[]> {
  for (const script of [...walk.applied].reverse()) {
    if (script.down.irreversible || isEmptyDown(script)) break
    try {
      await runFileOf(walk.db, script, script.down)
    } catch {
      break
    }
  }
  let left = await userObjects(walk.db)
  if (left.length > 0) left = await resetScratch(walk.db)
  const differences = compareModels(initial, await introspect(walk.db))
  if (left.length > 0 || differences.length > 0) {
    const what = left.length > 0 ? `it still holds ${describeObjects(left)}` : `it differs from how verify found it (${differences.length} difference${differences.length === 1 ? '' : 's'})`
    findings.push({ kind: 'not-restored', revision: null, message: `The scratch database could not be restored: ${what}`, differences, location: null, file: null, line: null })
  }
  return left
}

/** Runs the stairway test over every revision. */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const project = openProject(options)
  const findings: VerifyFinding[] = []
  const heads = project.graph.heads()
  if (heads.length > 1) {
    findings.push({ kind: 'multiple-heads', revision: null, message: `There are ${heads.length} heads (${heads.join(', ')}): merge them with "sqlmig merge ${heads.join(' ')} -m ..."`, differences: [], location: null, file: null, line: null })
  }
  const url = options.url ?? 'pglite:memory'
  options.onInfo?.(`Verifying on ${redactUrl(url)}`)
  const walk = await Walk.open(project, url)
  const description = walk.db.description
  if (options.url !== undefined) {
    try {
      await assertScratch(walk.db, project.versionTable.table)
    } catch (error) {
      await walk.db.close()
      throw error
    }
  }
  let checked = 0
  const skipped: string[] = []
  let left: ScratchObject[] = []
  try {
    const initial = options.url !== undefined ? await introspect(walk.db) : undefined
    // Revisions whose up failed, and their descendants: nothing to build on.
    const blocked = new Set<string>()
    const order = project.graph.topological()
    for (let i = 0; i < order.length; i++) {
      const script = project.scripts.get(order[i]!)!
      if (script.parents.some((p) => blocked.has(p))) {
        blocked.add(script.id)
        skipped.push(script.id)
        continue
      }
      checked += 1
      const outcome = await checkRevision(walk, script, findings)
      if (outcome === 'up-failed') blocked.add(script.id)
      if (outcome === 'stop') {
        skipped.push(...order.slice(i + 1))
        break
      }
    }
    if (initial) left = await restoreScratch(walk, initial, findings)
  } finally {
    await walk.db.close()
  }
  return { ok: findings.length === 0, checked, total: project.graph.size, findings, skipped, rebuilds: walk.rebuilds, left, database: description }
}

