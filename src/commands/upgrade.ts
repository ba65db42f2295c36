/** `sqlmig upgrade [target]`: apply migrations up to head, a revision, heads, or +N. */
import { planUpgrade } from '../graph/plan.ts'
import { parseTarget, resolveRevision, resolveTarget } from '../graph/resolve.ts'
import type { BackupResult } from './backup.ts'
import { migrate, type MigrateOptions, type MigrateResult, migrateScript, type ScriptOptions } from './migrate.ts'
import type { Project } from './project.ts'
import { hintingRelative, withRelativeHint } from './relative-hint.ts'

export interface UpgradeOptions extends MigrateOptions {
  /** Target: "head" (default), "heads", a revision id or unique prefix, "+N", "<rev>+N". */
  revision?: string | undefined
  /** Back up into this folder first when something is pending (`sqlmig backup`); nothing is applied if that fails. */
  backup?: string | undefined
}

/** What upgrade reports: the run, and the backup taken before it (`backup` option). */
export interface UpgradeResult extends MigrateResult {
  backup?: BackupResult | undefined
}

/** Applies pending migrations up to the target; returns what ran. */
export async function upgrade(options: UpgradeOptions = {}): Promise<UpgradeResult> {
  const target = options.revision ?? 'head'
  // backup.ts (pg_dump, the database copier) loads only when a backup is asked for.
  const saved = options.backup !== undefined && !options.dryRun
    ? await (await import('./backup.ts')).backupIfPending({ ...options, folder: options.backup, revision: target }).catch((error: unknown) => {
      throw withRelativeHint(error)
    })
    : undefined
  // Parsed once, here; the plan resolves it against the graph (and the applied state) under the lock.
  const parsed = parseTarget(target, 'up')
  const result = await migrate({
    options,
    planSteps: (project, applied) => hintingRelative(() => planUpgrade(project.graph, applied, parsed)),
    precheck: (project) => void resolveTarget(project.graph, parsed),
    refuseUntracked: 'upgrade',
  })
  return saved ? { ...result, backup: saved } : result
}

/** Everything applied up to and including `from` ("base": nothing): the offline starting state. */
export function appliedUpTo(project: Project, from: string) {
  if (from === 'base') return []
  const id = resolveRevision(project.graph, from)
  return project.graph.sortTopologically(project.graph.ancestors(id, { inclusive: true })).map((rid, i) => ({ id: rid, order: i + 1 }))
}

/** The SQL `upgrade` would run, as a script (`--sql`); with `from`, no database is contacted. */
export async function upgradeSql(options: UpgradeOptions & ScriptOptions = {}): Promise<string> {
  const target = options.revision ?? 'head'
  const parsed = parseTarget(target, 'up')
  return await migrateScript(options, `upgrade to ${target}`, (project, applied) => hintingRelative(() => planUpgrade(project.graph, applied, parsed)), appliedUpTo)
}
