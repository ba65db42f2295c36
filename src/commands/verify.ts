/**
 * `sqlmig verify`: the stairway test. On a fresh embedded database (or a scratch --url that it
 * leaves as it found it), walk the graph from base in topological order; for each revision:
 * snapshot the schema, upgrade it, downgrade it, compare with the snapshot, upgrade it again.
 * Files are executed directly; no version table is written.
 */
import type { Database } from '../db/database.ts'
import { createMissingRoles } from '../db/missing-roles.ts'
import { openDatabase } from '../db/open.ts'
import { referencedRoles } from '../sql/roles.ts'
import { embeddedOpenOptions } from './embedded.ts'
import { SqlmigError, UsageError } from '../errors.ts'
import { redactUrl } from '../redact.ts'
import type { Script, ScriptFile } from '../files/script.ts'
import { executeFile, statementsOf } from '../runner/execute-file.ts'
import { compareModels, type Difference } from '../schema/compare.ts'
import { introspect } from '../schema/introspect.ts'
import { reconcileDeparsed } from '../schema/reconcile-deparse.ts'
import { type CommonOptions, openProject } from './project.ts'

export interface VerifyOptions extends CommonOptions {}

export type FindingKind = 'multiple-heads' | 'up-failed' | 'down-failed' | 'down-mismatch' | 'empty-down' | 'not-restored'

export interface VerifyFinding {
  kind: FindingKind
  revision: string | null
  message: string
  /** For down-mismatch: how the schema after down differs from before up ("first" = before). */
  differences: Difference[]
  location: string | null
}

export interface VerifyResult {
  ok: boolean
  /** Revisions walked (upgraded at least once). */
  checked: number
  total: number
  findings: VerifyFinding[]
  database: string
}

async function runFile(db: Database, script: Script, file: ScriptFile): Promise<void> {
  const statements = statementsOf(file)
  if (!file.transaction) {
    await executeFile(db, file, statements, { revision: script.id, listProgress: true, rolledBackNote: '' })
    return
  }
  await db.exec('begin')
  try {
    await executeFile(db, file, statements, { revision: script.id, listProgress: false, rolledBackNote: '' })
    await db.exec('commit')
  } catch (error) {
    await db.exec('rollback').catch(() => {})
    throw error
  }
}

function failed(kind: FindingKind, script: Script, error: unknown): VerifyFinding {
  const e = error instanceof SqlmigError ? error : undefined
  return {
    kind,
    revision: script.id,
    message: e ? e.message : String((error as Error)?.message ?? error),
    differences: [],
    location: e?.where || null,
  }
}

/** Objects in schemas users create things in (not the catalogs, not extension members). */
const USER_OBJECTS = `
  with user_ns as (
    select oid, nspname from pg_catalog.pg_namespace
     where nspname not in ('pg_catalog', 'information_schema') and nspname !~ '^pg_(toast|temp_|toast_temp_)'
  ), ext_members as (
    select objid from pg_catalog.pg_depend where deptype = 'e'
  )
  select kind, name from (
    select 'schema' as kind, nspname as name from user_ns where nspname <> 'public'
    union all
    select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view'
                          when 'S' then 'sequence' when 'f' then 'foreign table' else 'relation' end,
           n.nspname || '.' || c.relname
      from pg_catalog.pg_class c join user_ns n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and c.oid not in (select objid from ext_members)
    union all
    select case p.prokind when 'p' then 'procedure' else 'function' end, n.nspname || '.' || p.proname
      from pg_catalog.pg_proc p join user_ns n on n.oid = p.pronamespace
     where p.oid not in (select objid from ext_members)
    union all
    select 'type', n.nspname || '.' || t.typname
      from pg_catalog.pg_type t join user_ns n on n.oid = t.typnamespace
     where t.typtype in ('e', 'd', 'r', 'c', 'm') and (t.typtype <> 'c' or (select relkind from pg_catalog.pg_class where oid = t.typrelid) = 'c')
       and t.oid not in (select objid from ext_members)
    union all
    select 'extension', extname from pg_catalog.pg_extension where extname <> 'plpgsql'
  ) o order by 1, 2`

/**
 * verify runs every down, and at the end undoes what it applied: on a database holding anything
 * of its own that would drop a user's objects and leave it half restored. So --url must name an
 * empty scratch database, checked before anything is run.
 */
async function assertScratch(db: Database, versionTable: string): Promise<void> {
  const found = await db.query<{ kind: string; name: string }>(USER_OBJECTS)
  if (found.length === 0) return
  const counts = new Map<string, number>()
  for (const f of found) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1)
  const hasVersionTable = found.some((f) => f.kind === 'table' && f.name.endsWith(`.${versionTable}`))
  const summary = [...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ')
  throw new UsageError(`Cannot verify on ${db.description}: it is not an empty scratch database (it holds ${summary}${hasVersionTable ? ', including a sqlmig version table' : ''}: ${found.slice(0, 5).map((f) => f.name).join(', ')}${found.length > 5 ? ', ...' : ''})`, {
    hint: 'verify runs every migration up and down and drops what it creates: give --url an empty database ("createdb sqlmig_verify"), or leave out --url to verify on an embedded in-memory database',
  })
}

/** Runs the stairway test over every revision. */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const project = openProject(options)
  const findings: VerifyFinding[] = []
  const heads = project.graph.heads()
  if (heads.length > 1) {
    findings.push({ kind: 'multiple-heads', revision: null, message: `There are ${heads.length} heads (${heads.join(', ')}): merge them with "sqlmig merge ${heads.join(' ')} -m ..."`, differences: [], location: null })
  }
  const url = options.url ?? 'pglite:memory'
  options.onInfo?.(`Verifying on ${redactUrl(url)}`)
  const db = await openDatabase(url, embeddedOpenOptions(project, url))
  if (options.url !== undefined) {
    try {
      await assertScratch(db, project.versionTable.table)
    } catch (error) {
      await db.close()
      throw error
    }
  }
  const applied: Script[] = []
  let checked = 0
  try {
    // The in-memory database is verify's own: give it the roles the migrations name (never a --url database's).
    if (url === 'pglite:memory') await createMissingRoles(db, referencedRoles([...project.scripts.values()].flatMap((s) => [s.up.text, s.down.text])))
    const initial = await introspect(db)
    for (const id of project.graph.topological()) {
      const script = project.scripts.get(id)!
      const hasUp = statementsOf(script.up).length > 0
      const emptyDown = hasUp && statementsOf(script.down).length === 0 && !script.down.irreversible
      if (emptyDown) {
        findings.push({ kind: 'empty-down', revision: id, message: `Revision "${id}" has an empty down file: write its down SQL, or mark it "-- irreversible: <reason>"`, differences: [], location: script.down.path })
      }
      const before = await introspect(db)
      try {
        await runFile(db, script, script.up)
      } catch (error) {
        findings.push(failed('up-failed', script, error))
        break
      }
      checked += 1
      applied.push(script)
      // Nothing to undo with: an irreversible revision (by design) or an empty down (reported above).
      if (script.down.irreversible || emptyDown) continue
      try {
        await runFile(db, script, script.down)
      } catch (error) {
        findings.push(failed('down-failed', script, error))
        break
      }
      // A down written from deparsed text (as autogenerate writes it) may deparse differently
      // once more: compare what the server means, as check does.
      const after = await introspect(db)
      await reconcileDeparsed(db, before, after)
      const differences = compareModels(before, after)
      if (differences.length > 0) {
        findings.push({
          kind: 'down-mismatch',
          revision: id,
          message: `Revision "${id}": its down does not restore the schema (${differences.length} difference${differences.length === 1 ? '' : 's'})`,
          differences,
          location: script.down.path,
        })
      }
      try {
        await runFile(db, script, script.up)
      } catch (error) {
        findings.push(failed('up-failed', script, error))
        applied.pop()
        break
      }
    }
    if (options.url !== undefined) {
      // A scratch database is left as it was found: undo everything we applied.
      for (const script of [...applied].reverse()) {
        if (script.down.irreversible) break
        try {
          await runFile(db, script, script.down)
        } catch {
          break
        }
      }
      const leftover = compareModels(initial, await introspect(db))
      if (leftover.length > 0) {
        findings.push({ kind: 'not-restored', revision: null, message: `The scratch database could not be restored (${leftover.length} difference${leftover.length === 1 ? '' : 's'} remain)`, differences: leftover, location: null })
      }
    }
  } finally {
    await db.close()
  }
  return { ok: findings.length === 0, checked, total: project.graph.size, findings, database: db.description }
}
