/**
 * `sqlmig rehearse --targets …` and `sqlmig diff --targets …`: the single-target command run on
 * every database of a fleet. Both only read the targets: rehearse upgrades a copy of each (made,
 * measured and dropped as `sqlmig rehearse --url <it>` does), diff compares each with the declared
 * schema. Neither takes `--schemas`: rehearse copies a whole database and diff compares one, not
 * one schema of it.
 */
import { diff, type AutogenOptions, type DiffResult } from '../commands/autogen.ts'
import { rehearse, type RehearseOptions, type RehearseResult } from '../commands/rehearse.ts'
import { SqlmigError, UsageError } from '../errors.ts'
import type { FleetResult } from './fleet-result.ts'
import type { FleetTarget } from './sources.ts'
import { type FleetOptions, runFleet, sharedOf, targetOptions } from './upgrade-many.ts'

export interface RehearseManyOptions extends Omit<RehearseOptions, 'url' | 'signal' | 'onInfo' | 'onEvent'>, Omit<FleetOptions, 'schemas'> {
  /** Refused: rehearse copies whole databases. */
  schemas?: undefined
}
export interface DiffManyOptions extends Omit<AutogenOptions, 'url' | 'signal' | 'onInfo' | 'onEvent'>, Omit<FleetOptions, 'schemas'> {
  /** Refused: diff compares whole databases. */
  schemas?: undefined
}

/** Rehearsals at once by default: each copies a database on its server. */
export const REHEARSE_CONCURRENCY = 2

function refuseSchemas(options: { schemas?: unknown }, verb: 'rehearse' | 'diff'): void {
  if (options.schemas === undefined) return
  const why = verb === 'rehearse'
    ? 'rehearse copies a whole database (CREATE DATABASE … TEMPLATE or pg_dump), not one schema of it, so a schema-per-tenant fleet has one copy to rehearse'
    : 'diff compares a whole database with the declared schema, not one schema of it'
  throw new UsageError(`${verb} does not take --schemas: ${why}`, { hint: `Run "sqlmig ${verb} --url <the database>" once for the shared database, or use --targets, --targets-query or --all-databases` })
}

/** Where the rehearsal ends: the last rehearsed revision, or where the source was when nothing was pending. */
function rehearsedTo(r: RehearseResult): string[] {
  return r.migrations.length ? [r.migrations[r.migrations.length - 1]!.revision] : r.source.revision
}

/**
 * Rehearses the pending migrations of every target on its own copy; the sources are only read.
 * A target whose `failOn` gate trips, or whose down does not restore the schema, counts as failed
 * (error code REHEARSE_FLAGGED); its rehearsal is still in `detail`.
 */
export async function rehearseMany(options: RehearseManyOptions): Promise<FleetResult> {
  refuseSchemas(options, 'rehearse')
  const shared = sharedOf(options)
  const flagged = new Map<string, RehearseResult>()
  const r = await runFleet(
    { ...options, concurrency: options.concurrency ?? REHEARSE_CONCURRENCY },
    async (t: FleetTarget, signal) => {
      const result = await rehearse({ ...targetOptions(shared, t), signal })
      const wrongDowns = result.migrations.filter((m) => m.downRestoresSchema === false).map((m) => m.revision)
      if (result.failedGates.length || wrongDowns.length) {
        flagged.set(t.label, result)
        const what = [
          ...(result.failedGates.length ? [`tripped --fail-on ${result.failedGates.join(',')}`] : []),
          ...(wrongDowns.length ? [`the down of ${wrongDowns.map((id) => `"${id}"`).join(', ')} does not restore the schema`] : []),
        ].join('; ')
        throw new SqlmigError('REHEARSE_FLAGGED', `Rehearsal failed: ${what}`, {
          data: { gates: result.failedGates, wrongDowns },
          hint: 'See this target\'s "rehearse" report; the source database was not touched',
        })
      }
      return result
    },
    (v: RehearseResult) => ({ from: v.source.revision, to: rehearsedTo(v), steps: v.migrations.length, detail: v }),
    false,
  )
  for (const t of r.targets) {
    const f = flagged.get(t.target)
    if (f) Object.assign(t, { from: f.source.revision, to: rehearsedTo(f), steps: f.migrations.length, detail: f })
  }
  return r
}

/** The drift of every target: the SQL that would bring it to the declared schema (`steps`: the number of changes). Writes nothing. */
export async function diffMany(options: DiffManyOptions): Promise<FleetResult> {
  refuseSchemas(options, 'diff')
  const shared = sharedOf(options)
  return await runFleet(
    { ...options, concurrency: options.concurrency ?? REHEARSE_CONCURRENCY },
    (t: FleetTarget) => diff(targetOptions(shared, t)),
    (v: DiffResult) => ({ from: [], to: [], steps: v.changes.length, detail: v }),
    false,
  )
}
