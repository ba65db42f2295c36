/** `sqlmig downgrade <target>`: undo migrations down to a revision (it stays applied), base, or -N. */
import { planDowngrade } from '../graph/plan.ts'
import { parseTarget, resolveTarget } from '../graph/resolve.ts'
import { migrate, type MigrateOptions, type MigrateResult, migrateScript, type ScriptOptions } from './migrate.ts'
import { appliedUpTo } from './upgrade.ts'
import { hinting } from './hints.ts'

export interface DowngradeOptions extends MigrateOptions {
  /** Target: a revision id or prefix (stays applied), "base", "-N", "<rev>-N". */
  revision: string
}

/** Undoes applied migrations down to the target, in the reverse of the order they were applied. */
export async function downgrade(options: DowngradeOptions): Promise<MigrateResult> {
  return await hinting('downgrade', () => unhintedDowngrade(options))
}

async function unhintedDowngrade(options: DowngradeOptions): Promise<MigrateResult> {
  // Parsed once, here; the plan resolves it against the graph (and the applied state) under the lock.
  const parsed = parseTarget(options.revision, 'down')
  return await migrate({
    options,
    planSteps: (project, applied) => planDowngrade(project.graph, applied, parsed),
    precheck: (project) => void resolveTarget(project.graph, parsed),
  })
}

/** The SQL `downgrade` would run (`--sql`); with `from`, no database is contacted. */
export async function downgradeSql(options: DowngradeOptions & ScriptOptions): Promise<string> {
  return await hinting('downgrade', () => unhintedDowngradeSql(options))
}

async function unhintedDowngradeSql(options: DowngradeOptions & ScriptOptions): Promise<string> {
  const parsed = parseTarget(options.revision, 'down')
  return await migrateScript(options, `downgrade to ${options.revision}`, (project, applied) => planDowngrade(project.graph, applied, parsed), appliedUpTo)
}
