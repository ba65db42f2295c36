/**
 * Turns ordered changes into migration text: each change under its "-- Detected ..." line,
 * destructive statements under "-- WARNING: destructive", notes as comments.
 */
import type { Change } from './diff/change.ts'
import { diffModels } from './diff-models.ts'
import type { SchemaModel } from './model.ts'
import { assertRunsOn, modelForTarget } from './postgres-target.ts'

export interface RenderedChanges {
  /** SQL text, statements separated by blank lines, each ending with ";". */
  sql: string
  /** The Alembic-style lines, in order. */
  detected: string[]
  /** The statements alone, in order (what a runner executes one by one). */
  statements: string[]
}

export interface MigrationPlan {
  /** Changes from → to. */
  changes: Change[]
  up: string
  down: string
  /** Detected lines of the up direction. */
  detected: string[]
  upStatements: string[]
  downStatements: string[]
}

/** Statement that lets function bodies refer to tables created later in the same migration. */
export const FUNCTION_BODIES_OFF = 'SET LOCAL check_function_bodies = off'

export function renderChanges(changes: Change[]): RenderedChanges {
  const blocks: string[] = []
  const statements: string[] = []
  const detected: string[] = []
  if (changes.some((c) => (c.kind === 'function' || c.kind === 'procedure') && c.action !== 'remove' && c.sql.length > 0)) {
    statements.push(FUNCTION_BODIES_OFF)
    blocks.push(`${FUNCTION_BODIES_OFF};`)
  }
  for (const c of changes) {
    if (c.detected) detected.push(c.detected)
    const lines: string[] = []
    if (c.detected) lines.push(`-- ${c.detected}`)
    for (const n of c.notes ?? []) lines.push(`-- NOTE: ${n}`)
    if (c.destructive && c.sql.length > 0) lines.push('-- WARNING: destructive')
    for (const s of c.sql) {
      lines.push(`${s};`)
      statements.push(s)
    }
    if (lines.length) blocks.push(lines.join('\n'))
  }
  return { sql: blocks.length ? `${blocks.join('\n\n')}\n` : '', detected, statements }
}

export interface PlanOptions {
  /**
   * PostgreSQL major version the SQL must run on (see postgres-target.ts): what that version
   * lacks is left out of the comparison (MAINTAIN before 17), and a change needing newer syntax
   * is an UnsupportedOnTargetError. Default: no limit (the SQL of the servers compared).
   */
  postgresVersion?: number | undefined
}

/** Both directions at once: up turns `from` into `to`, down turns `to` back into `from`. */
export function planMigration(from: SchemaModel, to: SchemaModel, options: PlanOptions = {}): MigrationPlan {
  const major = options.postgresVersion
  if (major !== undefined) [from, to] = [modelForTarget(from, major), modelForTarget(to, major)]
  const changes = diffModels(from, to)
  const downChanges = diffModels(to, from)
  if (major !== undefined) assertRunsOn([...changes, ...downChanges], major)
  const up = renderChanges(changes)
  const down = renderChanges(downChanges)
  return { changes, up: up.sql, down: down.sql, detected: up.detected, upStatements: up.statements, downStatements: down.statements }
}
