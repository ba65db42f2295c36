/**
 * `sqlmig rehearse`: copy the database, upgrade the copy one migration at a time while measuring
 * what each does (time, rewrites, locks), check that each down restores the schema, drop the copy.
 * The source is only read (by CREATE DATABASE … TEMPLATE or pg_dump), never written.
 *
 * The down check runs right after each up: the down (then the up again) inside a transaction
 * that is rolled back, so a wrong down is reported for its own migration instead of making every
 * earlier one look wrong too. A `transaction: false` down runs for real, followed by its up.
 */
import process from 'node:process'
import type { Database } from '../db/database.ts'
import { type DatabaseCopy, prepareCopy } from '../db/copy.ts'
import { embeddedOpenOptions } from './embedded.ts'
import { isPgliteUrl } from '../db/open.ts'
import { EXIT, SqlmigError, UsageError } from '../errors.ts'
import type { Script } from '../files/script.ts'
import { currentHeads, toGraphApplied } from '../graph/applied-revision.ts'
import { planUpgrade } from '../graph/plan.ts'
import { MARK_TRANSACTION } from '../runner/execute-file.ts'
import { runFile } from '../runner/run-file.ts'
import { readApplied } from '../runner/version-table.ts'
import { compareModels } from '../schema/compare.ts'
import { introspect } from '../schema/introspect.ts'
import type { SchemaModel } from '../schema/model.ts'
import { type CommonOptions, openProject, pgliteLockOptions, usingDatabaseLine } from './project.ts'
import { type Flag, type LockHeld, type MeasureContext, measureUp, type Rewrite } from './rehearse-measure.ts'
import { assertAppliedKnown, assertUnchanged } from './state-checks.ts'
import { hinting } from './hints.ts'

export type { Flag, LockHeld, Rewrite } from './rehearse-measure.ts'

export const FLAGS: readonly Flag[] = ['rewrite', 'access-exclusive']

export interface RehearseOptions extends CommonOptions {
  /** Target as for upgrade: "head" (default), a revision, "heads", "+N". */
  revision?: string | undefined
  /** Make the copy on this server (a maintenance database URL there) with pg_dump | pg_restore. */
  scratchUrl?: string | undefined
  /** Leave the copy in place (server only). */
  keep?: boolean | undefined
  /** false: skip the down check (--no-downgrade). */
  downgrade?: boolean | undefined
  /** Flags that make the rehearsal fail: "rewrite", "access-exclusive" (a list, or comma-separated). */
  failOn?: readonly string[] | string | undefined
  /** Rehearse even though applied migration files were edited. */
  allowChanged?: boolean | undefined
  /**
   * Aborting it cancels the running statement, drops the copy (unless keep) and rejects with the
   * signal's reason. Without a signal, rehearse handles SIGINT itself while it runs: it cleans up
   * the same way, then lets the signal end the process.
   */
  signal?: AbortSignal | undefined
}

export interface RehearsedMigration {
  revision: string
  message: string
  seconds: number
  rewritten: Rewrite[]
  locks: LockHeld[]
  /** null when not checked (--no-downgrade, or an irreversible down). */
  downRestoresSchema: boolean | null
  /** How the schema after the down differs from the one before the up ("index public.t_idx: only in first"). */
  downDifferences: string[]
  flags: Flag[]
}

export interface RehearseResult {
  source: { database: string; revision: string[] }
  migrations: RehearsedMigration[]
  copy: { name: string; method: string | undefined; fallbackReason: string | undefined; kept: boolean; description: string }
  /** Requested --fail-on gates that tripped (the CLI exits 1 when this is not empty). */
  failedGates: Flag[]
}

/** Reads `--fail-on rewrite,access-exclusive`. */
export function parseFailOn(value: readonly string[] | string | undefined): Flag[] {
  const items = (typeof value === 'string' ? [value] : value ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  for (const item of items) {
    if (!FLAGS.includes(item as Flag)) {
      throw new UsageError(`Cannot read --fail-on "${item}"`, { hint: `Use one or more of: ${FLAGS.join(', ')} (comma-separated)` })
    }
  }
  return [...new Set(items as Flag[])]
}

/** Rehearses the pending migrations on a copy of the configured database; returns what each did. */
export async function rehearse(options: RehearseOptions = {}): Promise<RehearseResult> {
  return await hinting('rehearse', () => unhintedRehearse(options))
}

async function unhintedRehearse(options: RehearseOptions = {}): Promise<RehearseResult> {
  const project = openProject(options)
  const gates = parseFailOn(options.failOn)
  const url = project.config.url
  if (options.keep && isPgliteUrl(url)) {
    throw new UsageError('Cannot keep the rehearsal copy of an embedded (pglite:) database: it lives in memory', { hint: 'Leave out --keep' })
  }
  const from = project.config.urlSource
  options.onInfo?.(usingDatabaseLine(url, from))
  const scratchUrl = options.scratchUrl ?? (isPgliteUrl(url) ? undefined : project.config.scratchUrl)
  const copy = await prepareCopy(url, { scratchUrl, lock: pgliteLockOptions(options, project.config), ...embeddedOpenOptions(project, url) })
  // Ctrl-C: cancel what runs on the copy; the error unwinds to the finally below, which closes
  // our sessions and drops the copy (dropping under a live session would kill it mid-write).
  const own = options.signal ? undefined : new AbortController()
  const signal = options.signal ?? own!.signal
  const onSigint = () => own!.abort(new SqlmigError('INTERRUPTED', 'Interrupted by SIGINT', { exitCode: EXIT.sigint }))
  const onAbort = () => void copy.interrupt().catch(() => {})
  signal.addEventListener('abort', onAbort, { once: true })
  if (own) process.once('SIGINT', onSigint)
  let db: Database | undefined
  let monitor: Database | undefined
  let failed = true
  try {
    const started = performance.now()
    await copy.create()
    signal.throwIfAborted()
    const how = copy.method === 'template' ? 'CREATE DATABASE … TEMPLATE' : copy.method === 'pg_dump' ? `pg_dump | pg_restore (${copy.fallbackReason})` : 'dumpDataDir, in memory'
    options.onInfo?.(`Copied "${copy.source}" to "${copy.name}" with ${how} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    db = await copy.open()
    // The rehearsal runs as the runner does: every statement through Kysely on the copy's session.
    const session = (await import('../db/session-dialect.ts')).throughKysely(db)
    const { ensureVersionTable } = await import('../runner/version-rows.ts')
    const applied = await readApplied(db, project.versionTable)
    assertAppliedKnown(project, applied)
    assertUnchanged(project, applied, options.allowChanged === true, options.onWarning)
    const steps = planUpgrade(project.graph, toGraphApplied(applied), options.revision ?? 'head')
    await ensureVersionTable(session.kysely, project.versionTable)
    const scripts = steps.map((s) => project.scripts.get(s.revision)!)
    if (db.kind === 'postgres' && scripts.some((s) => !s.up.transaction)) monitor = await copy.open()
    const ctx: MeasureContext = {
      db: session.db,
      kysely: session.kysely,
      monitor,
      versionTable: project.versionTable,
      settings: { lockTimeout: project.config.pgLockTimeout, statementTimeout: project.config.pgStatementTimeout },
    }
    const migrations: RehearsedMigration[] = []
    for (const script of scripts) {
      signal.throwIfAborted()
      const check = options.downgrade !== false && !script.down.irreversible
      const model = check ? await introspect(db) : undefined
      const m = await measureUp(ctx, script)
      const differences = model ? await checkDown(session.db, script, model) : []
      migrations.push({ revision: script.id, message: script.message, ...m, downRestoresSchema: model ? differences.length === 0 : null, downDifferences: differences })
      options.onInfo?.(`rehearsed ${script.id} (${m.seconds.toFixed(2)} s)${m.flags.length ? `: ${m.flags.join(', ')}` : ''}`)
    }
    // An interrupt during the last migration (e.g. a statement the cancel did not reach) still ends the run as interrupted.
    signal.throwIfAborted()
    failed = false
    const flagged = new Set(migrations.flatMap((m) => m.flags))
    return {
      source: { database: copy.source, revision: currentHeads(project.graph, toGraphApplied(applied)) },
      migrations,
      copy: { name: copy.name, method: copy.method, fallbackReason: copy.fallbackReason, kept: options.keep === true, description: copy.description },
      failedGates: gates.filter((g) => flagged.has(g)),
    }
  } catch (error) {
    // After an abort the copy's sessions die mid-statement: report the interruption, not that.
    if (signal.aborted) throw signal.reason
    throw error
  } finally {
    await monitor?.close().catch(() => {})
    await db?.close().catch(() => {})
    await finish(copy, options, failed)
    signal.removeEventListener('abort', onAbort)
    process.removeListener('SIGINT', onSigint)
    // Our own SIGINT handler swallowed the signal: now that the copy is gone, let it end the process.
    if (own?.signal.aborted) process.kill(process.pid, 'SIGINT')
  }
}

async function finish(copy: DatabaseCopy, options: RehearseOptions, failed: boolean): Promise<void> {
  try {
    if (!options.keep) await copy.drop()
    else if (copy.method) options.onInfo?.(`Kept the copy: ${copy.description}`)
  } catch (error) {
    // A failure of the run itself is the more useful error; a leftover copy is reported otherwise.
    if (!failed) throw error
  } finally {
    await copy.close().catch(() => {})
  }
}

/** Runs the down and checks the schema against `before`; then the up again. Returns the differences. */
async function checkDown(db: Database, script: Script, before: SchemaModel): Promise<string[]> {
  const { up, down } = script
  const downNote = `The down of revision "${script.id}" failed on the rehearsal copy; the source database was not touched`
  const upNote = `The up of revision "${script.id}" failed when run again after its down, on the rehearsal copy; the source database was not touched`
  const describe = (after: SchemaModel) => compareModels(before, after).map((d) => `${d.kind} ${d.name}: ${d.what.replace('only in first', 'missing after the down').replace('only in second', 'left by the down')}`)
  if (down.transaction) {
    // Inside a transaction that is rolled back: the copy returns to the state after the up.
    await db.exec('begin')
    try {
      await db.exec(MARK_TRANSACTION)
      await runFile(db, down, { transaction: 'caller', direction: 'down', revision: script.id, rolledBackNote: downNote })
      const differences = describe(await introspect(db))
      if (differences.length === 0 && up.transaction) await runFile(db, up, { transaction: 'caller', revision: script.id, rolledBackNote: upNote })
      return differences
    } finally {
      await db.exec('rollback').catch(() => {})
    }
  }
  await runFile(db, down, { direction: 'down', revision: script.id, rolledBackNote: downNote })
  const differences = describe(await introspect(db))
  await runFile(db, up, { revision: script.id, rolledBackNote: upNote })
  return differences
}
