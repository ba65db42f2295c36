/**
 * `sqlmig stamp <target>`: record a state in the version table without running any SQL.
 * `stamp --purge <revision>...`: empty the table first, then record exactly those revisions and
 * their ancestors, which also repairs a table that records revisions no file defines.
 */
import { UsageError } from '../errors.ts'
import { type AppliedRevision, checkApplied, currentHeads, toGraphApplied } from '../graph/applied-revision.ts'
import { appliedAfter, planDowngrade, planUpgrade } from '../graph/plan.ts'
import { resolveHead, resolveRevision } from '../graph/resolve.ts'
import type { RunStep } from '../runner/run-plan.ts'
import type { PlannedStep } from '../runner/schedule.ts'
import type { AppliedRecord } from '../runner/version-table.ts'
import { hinting, purgeCommand, withHint } from './hints.ts'
import { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts'
import { lockTimeoutMs, openProject, type Project, withProjectDatabase } from './project.ts'

export interface StampOptions extends MigrateOptions {
  /**
   * "base", "head", "heads", or a revision: afterwards exactly it and its ancestors (plus
   * unrelated applied branches) are recorded. With `purge`, one or more of them.
   */
  revision: string | string[]
  /** Delete every row of the version table first (even rows no file defines), then record the targets and their ancestors. */
  purge?: boolean | undefined
}

/** What stamp reports; `purged` only for `purge`. */
export interface StampResult extends MigrateResult {
  purged?: {
    /** The rows the table held before that it no longer holds. */
    removed: string[]
    /** Every revision recorded now, parents first. */
    recorded: string[]
  } | undefined
}

/** Marks revisions applied or unapplied without running them. */
export async function stamp(options: StampOptions): Promise<StampResult> {
  return await hinting('stamp', () => (options.purge ? purgeStamp(options) : plainStamp(options)))
}

const targetsOf = (options: StampOptions): string[] => (Array.isArray(options.revision) ? options.revision : [options.revision])

/** The steps that stamp `target` from `applied` (every one of them defined by a file). */
function stampSteps(project: Project, applied: AppliedRevision[], target: string): PlannedStep[] {
  if (target === 'base') return planDowngrade(project.graph, applied, 'base')
  if (target === 'head' || target === 'heads') return planUpgrade(project.graph, applied, target)
  const id = resolveRevision(project.graph, target)
  const isApplied = applied.some((a) => a.id === id)
  return isApplied ? planDowngrade(project.graph, applied, id) : planUpgrade(project.graph, applied, id)
}

/** The current revisions once `steps` are recorded on top of `applied`. */
function headsAfter(project: Project, applied: AppliedRevision[], steps: readonly RunStep[]): string[] {
  return currentHeads(project.graph, appliedAfter(applied, steps))
}

async function plainStamp(options: StampOptions): Promise<MigrateResult> {
  const targets = targetsOf(options)
  if (targets.length !== 1) {
    // Each target must name a revision before the purge of them is suggested.
    purgeRecords(openProject(options), targets)
    throw new UsageError(`Cannot stamp ${targets.length} revisions without --purge`, {
      hint: `Run ${purgeCommand(targets)} to record exactly them and their ancestors`,
    })
  }
  const target = targets[0] as string
  return await migrate({
    options,
    recordOnly: true,
    checkFiles: false,
    checkApplied: false,
    planSteps: (project, applied) => {
      const known = applied.filter((a) => project.graph.has(a.id))
      const steps = stampSteps(project, known, target)
      if (known.length < applied.length) {
        // Refuse, naming the purge that records what this stamp would have left.
        try {
          checkApplied(project.graph, applied)
        } catch (error) {
          throw withHint(error, { command: 'stamp', stampTo: headsAfter(project, known, steps) })
        }
      }
      return steps
    },
  })
}

/** The revisions `stamp --purge` records for `targets`: every one and its ancestors, parents first. */
function purgeRecords(project: Project, targets: string[]): string[] {
  const ids = targets.flatMap((t) => {
    if (t === 'base') return []
    if (t === 'heads') return project.graph.heads()
    if (t === 'head') return [resolveHead(project.graph)]
    return [resolveRevision(project.graph, t)]
  })
  return project.graph.sortTopologically(new Set(ids.flatMap((id) => project.graph.ancestors(id, { inclusive: true }))))
}

/** The current revisions of a version table that may hold ids no file defines (those count as current). */
function currentOf(project: Project, before: AppliedRecord[]): string[] {
  const known = before.filter((r) => project.graph.has(r.revision))
  const unknown = before.filter((r) => !project.graph.has(r.revision)).map((r) => r.revision)
  return [...currentHeads(project.graph, toGraphApplied(known)), ...unknown]
}

async function purgeStamp(options: StampOptions): Promise<StampResult> {
  const targets = targetsOf(options)
  if (targets.length === 0) throw new UsageError('Cannot stamp: name a revision, head, heads or base')
  return await withProjectDatabase(options, async (project, db) => {
    const recorded = purgeRecords(project, targets)
    const rows = recorded.map((id) => {
      const s = project.scripts.get(id)!
      return { revision: id, parents: s.parents, message: s.message, checksum: s.checksum, executionMs: 0 }
    })
    // The version-table writer runs on Kysely: loaded only for a purge.
    const { replaceVersionRows } = await import('../runner/replace-versions.ts')
    const { before } = await replaceVersionRows({
      db,
      versionTable: project.versionTable,
      rows: () => rows,
      dryRun: options.dryRun === true,
      lockTimeoutMs: lockTimeoutMs(options),
      onEvent: options.onEvent,
      signal: options.signal,
    })
    const kept = new Set(recorded)
    const had = new Set(before.map((r) => r.revision))
    const removed = before.filter((r) => !kept.has(r.revision))
    return {
      from: currentOf(project, before),
      to: currentHeads(project.graph, recorded.map((id, i) => ({ id, order: i + 1 }))),
      steps: [
        ...[...removed].reverse().map((r) => ({ revision: r.revision, direction: 'down' as const, message: r.message, ms: 0 })),
        ...recorded.filter((id) => !had.has(id)).map((id) => ({ revision: id, direction: 'up' as const, message: project.scripts.get(id)!.message, ms: 0 })),
      ],
      dryRun: options.dryRun === true,
      notRun: [],
      database: db.description,
      purged: { removed: removed.map((r) => r.revision), recorded },
    }
  }, {}, (project) => void purgeRecords(project, targets))
}
