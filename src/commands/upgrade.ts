/** `sqlmig upgrade [target]`: apply migrations up to head, a revision, heads, or +N. */
import { planUpgrade } from '../graph/plan.ts'
import { parseTarget, resolveRevision, resolveTarget } from '../graph/resolve.ts'
import type { BackupResult } from './backup.ts'
import { migrate, type MigrateOptions, type MigrateResult, migrateScript, type ScriptOptions } from './migrate.ts'
import type { Project } from './project.ts'
import { hinting } from './hints.ts'

export interface UpgradeOptions extends MigrateOptions {
  /** Target: "head" (default), "heads", a revision id or unique prefix, "+N", "<rev>+N". */
  revision?: string | undefined
  /** Back up into this folder first when something is pending (`sqlmig backup`); nothing is applied if that fails. */
  backup?: string | undefined
}

/** What upgrade reports: the run, and the backup taken before it (`backup` option). */
export interface UpgradeResult extends MigrateResult {
  /** `upgrade <rev>` with nothing to do because the database is past `<rev>`: the revision(s) named. */
  alreadyApplied?: string[] | undefined
  backup?: BackupResult | undefined
}

/** Applies pending migrations up to the target; returns what ran. */
export async function upgrade(options: UpgradeOptions = {}): Promise<UpgradeResult> {
  return await hinting('upgrade', () => unhintedUpgrade(options))
}

async function unhintedUpgrade(options: UpgradeOptions = {}): Promise<UpgradeResult> {
  const target = options.revision ?? 'head'
  // backup.ts (pg_dump, the database copier) loads only when a backup is asked for.
  const backupModule = options.backup !== undefined && !options.dryRun ? await import('./backup.ts') : undefined
  const saved = backupModule && await backupModule.backupIfPending({ ...options, folder: options.backup!, revision: target })
  // With --backup the database was named before the backup: not again.
  if (backupModule) options = { ...options, onInfo: backupModule.withoutUsingLine(options.onInfo) }
  // Parsed once, here; the plan resolves it against the graph (and the applied state) under the lock.
  const parsed = parseTarget(target, 'up')
  let named: string[] | undefined
  const result = await migrate({
    options,
    planSteps: (project, applied) => planUpgrade(project.graph, applied, parsed),
    precheck: (project) => {
      const resolved = resolveTarget(project.graph, parsed)
      if (resolved.kind === 'revisions') named = resolved.ids
    },
    refuseUntracked: 'upgrade',
  })
  // Nothing to do for a revision the database is already past: say so, not "up to date".
  const past = result.steps.length === 0 && named !== undefined && named.some((id) => !result.to.includes(id)) ? { alreadyApplied: named } : {}
  return { ...result, ...past, ...(saved ? { backup: saved } : {}) }
}

/** Everything applied up to and including `from` ("base": nothing): the offline starting state. */
export function appliedUpTo(project: Project, from: string) {
  if (from === 'base') return []
  const id = resolveRevision(project.graph, from)
  return project.graph.sortTopologically(project.graph.ancestors(id, { inclusive: true })).map((rid, i) => ({ id: rid, order: i + 1 }))
}

/** The SQL `upgrade` would run, as a script (`--sql`); with `from`, no database is contacted. */
export async function upgradeSql(options: UpgradeOptions & ScriptOptions = {}): Promise<string> {
  return await hinting('upgrade', () => unhintedUpgradeSql(options))
}

async function unhintedUpgradeSql(options: UpgradeOptions & ScriptOptions = {}): Promise<string> {
  const target = options.revision ?? 'head'
  const parsed = parseTarget(target, 'up')
  return await migrateScript(options, `upgrade to ${target}`, (project, applied) => planUpgrade(project.graph, applied, parsed), appliedUpTo)
}
