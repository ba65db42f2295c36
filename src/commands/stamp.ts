/** `sqlmig stamp <target>`: record a state in the version table without running any SQL. */
import { planDowngrade, planUpgrade } from '../graph/plan.ts'
import { resolveRevision } from '../graph/resolve.ts'
import { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts'

export interface StampOptions extends MigrateOptions {
  /** "base", "head", "heads", or a revision: afterwards exactly it and its ancestors (plus unrelated applied branches) are recorded. */
  revision: string
}

/** Marks revisions applied or unapplied without running them. */
export async function stamp(options: StampOptions): Promise<MigrateResult> {
  const target = options.revision
  return await migrate({
    options,
    recordOnly: true,
    checkFiles: false,
    planSteps: (project, applied) => {
      if (target === 'base') return planDowngrade(project.graph, applied, 'base')
      if (target === 'head' || target === 'heads') return planUpgrade(project.graph, applied, target)
      const id = resolveRevision(project.graph, target)
      const isApplied = applied.some((a) => a.id === id)
      return isApplied ? planDowngrade(project.graph, applied, id) : planUpgrade(project.graph, applied, id)
    },
  })
}
