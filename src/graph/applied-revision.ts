/**
 * The database side of planning: sqlmig records every applied revision (like Flyway, unlike
 * Alembic, which keeps only the heads), each with an increasing applied order number.
 */
import { StateError } from '../errors.ts'
import type { RevisionGraph, RevisionNode } from './revision-graph.ts'

/** One row of the version table as the planner needs it. */
export interface AppliedRevision {
  id: string
  /** Increases with every applied revision; undo goes in reverse of it. */
  order: number
  /** The message the version table recorded (named when no file defines the revision). */
  message?: string | undefined
}

/** Version-table rows (anything with a revision id and an applied order) as the planner sees them. */
export function toGraphApplied(records: ReadonlyArray<{ revision: string; order: number; message?: string | undefined }>): AppliedRevision[] {
  return records.map((r) => (r.message ? { id: r.revision, order: r.order, message: r.message } : { id: r.revision, order: r.order }))
}

/** Something odd about the applied set that still lets sqlmig plan (report it, don't fail). */
export type Inconsistency =
  /** `revision` is applied but its down_revision `parent` is not (a stamp, or a removed row). */
  | { kind: 'unapplied-parent'; revision: string; parent: string }
  /** `revision` was applied before its down_revision `parent` (a stamp, or files reordered). */
  | { kind: 'applied-before-parent'; revision: string; parent: string }


/**
 * Checks that every applied revision has a migration file.
 * @throws StateError APPLIED_REVISION_MISSING with the applied ids the graph lacks (`missing`)
 *   and the current revisions among the applied ones it has (`kept`).
 */
export function checkApplied<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[]): void {
  const missing = [...new Set(applied.filter((row) => !graph.has(row.id)).map((row) => row.id))]
  if (missing.length === 0) return
  const known = applied.filter((row) => graph.has(row.id))
  const recorded = new Map(applied.filter((row) => row.message).map((row) => [row.id, row.message]))
  const named = missing.map((id) => `"${id}"${recorded.has(id) ? ` (${recorded.get(id)})` : ''}`).join(', ')
  const message = missing.length === 1
    ? `Revision ${named} is applied to the database but has no migration file`
    : `${missing.length} revisions are applied to the database but have no migration file: ${named}`
  throw new StateError('APPLIED_REVISION_MISSING', message, { data: { missing, kept: currentHeads(graph, known) } })
}

/** Applied revisions that no other applied revision builds on, in topological order. */
export function currentHeads<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[]): string[] {
  checkApplied(graph, applied)
  const ids = new Set(applied.map((row) => row.id))
  // Everything applied (each applied id is in the graph, checked above): the graph's own heads.
  if (ids.size === graph.size) return graph.heads()
  return graph.sortTopologically(ids).filter((id) => !graph.children(id).some((child) => ids.has(child)))
}

/** Applied revisions with unapplied parents, or applied before a parent, in topological order. */
export function inconsistencies<T extends RevisionNode>(graph: RevisionGraph<T>, applied: readonly AppliedRevision[]): Inconsistency[] {
  checkApplied(graph, applied)
  const order = appliedOrder(applied)
  const found: Inconsistency[] = []
  for (const revision of graph.sortTopologically(order.keys())) {
    for (const parent of graph.parents(revision)) {
      const parentOrder = order.get(parent)
      if (parentOrder === undefined) found.push({ kind: 'unapplied-parent', revision, parent })
      else if (parentOrder > (order.get(revision) as number)) found.push({ kind: 'applied-before-parent', revision, parent })
    }
  }
  return found
}

/** id → applied order (the latest, should an id appear twice). */
export function appliedOrder(applied: readonly AppliedRevision[]): Map<string, number> {
  const order = new Map<string, number>()
  for (const row of applied) order.set(row.id, Math.max(row.order, order.get(row.id) ?? -Infinity))
  return order
}
