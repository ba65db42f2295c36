/**
 * diffModels(from, to): the changes that turn a database described by `from` into one described
 * by `to`, sorted so that each statement finds what it needs and nothing still needed is dropped:
 * by phase (see diff/change.ts), then by pg_depend (diff/dependency-order.ts).
 */
import { diffAggregates } from './diff/aggregates.ts'
import type { Change } from './diff/change.ts'
import { diffCasts } from './diff/casts.ts'
import { diffCollations } from './diff/collations.ts'
import { diffColumns } from './diff/columns.ts'
import { diffComposites } from './diff/composites.ts'
import { diffConstraintsAndIndexes } from './diff/constraints.ts'
import { buildContext } from './diff/context.ts'
import { orderByDependencies } from './diff/dependency-order.ts'
import { diffDefaultPrivileges } from './diff/default-privileges.ts'
import { diffEventTriggers } from './diff/event-triggers.ts'
import { diffForeignServers } from './diff/foreign-servers.ts'
import { diffForeignTables } from './diff/foreign-tables.ts'
import { diffFunctions } from './diff/functions.ts'
import { diffInheritance, withoutInheritedColumns } from './diff/inheritance.ts'
import { diffOperators } from './diff/operators.ts'
import { diffPrivileges } from './diff/privileges.ts'
import { diffPublications } from './diff/publications.ts'
import { diffExtensions, diffSchemas } from './diff/schemas.ts'
import { diffRanges } from './diff/ranges.ts'
import { dropRecreatedTables, tablesToRecreate, withoutTables } from './diff/recreate-tables.ts'
import { diffRules } from './diff/rules.ts'
import { diffSequences } from './diff/sequences.ts'
import { diffTextSearch } from './diff/text-search.ts'
import { diffTables } from './diff/tables.ts'
import { diffTriggersAndPolicies } from './diff/triggers.ts'
import { diffUnmodelled } from './diff/unmodelled.ts'
import { diffDomains, diffEnums } from './diff/types.ts'
import { diffViews } from './diff/views.ts'
import type { SchemaModel } from './model.ts'

export type { Change } from './diff/change.ts'

/** The ordered changes from `from` to `to` (run them in this order). */
export function diffModels(from: SchemaModel, to: SchemaModel): Change[] {
  const [f, t] = withoutInheritedColumns(from, to)
  // Tables that must be dropped and created again are diffed as if they were not there before.
  const recreated = tablesToRecreate(f, t)
  const ctx = buildContext(withoutTables(f, recreated), t, recreated)
  const all = [
    ...dropRecreatedTables(f, recreated),
    ...diffSchemas(ctx),
    ...diffExtensions(ctx),
    ...diffCollations(ctx),
    ...diffTextSearch(ctx),
    ...diffEnums(ctx),
    ...diffDomains(ctx),
    ...diffComposites(ctx),
    ...diffRanges(ctx),
    ...diffSequences(ctx),
    ...diffFunctions(ctx),
    ...diffAggregates(ctx),
    ...diffCasts(ctx),
    ...diffOperators(ctx),
    ...diffForeignServers(ctx),
    ...diffTables(ctx),
    ...diffForeignTables(ctx),
    ...diffInheritance(ctx),
    ...diffColumns(ctx),
    ...diffConstraintsAndIndexes(ctx),
    ...diffViews(ctx),
    ...diffTriggersAndPolicies(ctx),
    ...diffRules(ctx),
    ...diffEventTriggers(ctx),
    ...diffPublications(ctx),
    ...diffPrivileges(ctx),
    ...diffDefaultPrivileges(ctx),
    ...diffUnmodelled(ctx),
  ]
  const phased = all
    .map((change, index) => ({ change, index }))
    .sort((x, y) => x.change.phase - y.change.phase || (x.change.order ?? 0) - (y.change.order ?? 0) || x.index - y.index)
    .map((x) => x.change)
  return orderByDependencies(phased, from, to)
}
