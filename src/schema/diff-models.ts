/**
 * diffModels(from, to): the changes that turn a database described by `from` into one described
 * by `to`, sorted so that each statement finds what it needs and nothing still needed is dropped.
 */
import type { Change } from './diff/change.ts'
import { diffColumns } from './diff/columns.ts'
import { diffComposites } from './diff/composites.ts'
import { diffConstraintsAndIndexes } from './diff/constraints.ts'
import { buildContext } from './diff/context.ts'
import { diffFunctions } from './diff/functions.ts'
import { diffExtensions, diffSchemas } from './diff/schemas.ts'
import { diffSequences } from './diff/sequences.ts'
import { diffTables } from './diff/tables.ts'
import { diffTriggersAndPolicies } from './diff/triggers.ts'
import { diffDomains, diffEnums } from './diff/types.ts'
import { diffViews } from './diff/views.ts'
import type { SchemaModel } from './model.ts'

export type { Change } from './diff/change.ts'

/** The ordered changes from `from` to `to` (run them in this order). */
export function diffModels(from: SchemaModel, to: SchemaModel): Change[] {
  const ctx = buildContext(from, to)
  const all = [
    ...diffSchemas(ctx),
    ...diffExtensions(ctx),
    ...diffEnums(ctx),
    ...diffDomains(ctx),
    ...diffComposites(ctx),
    ...diffSequences(ctx),
    ...diffFunctions(ctx),
    ...diffTables(ctx),
    ...diffColumns(ctx),
    ...diffConstraintsAndIndexes(ctx),
    ...diffViews(ctx),
    ...diffTriggersAndPolicies(ctx),
  ]
  return all
    .map((change, index) => ({ change, index }))
    .sort((x, y) => x.change.phase - y.change.phase || (x.change.order ?? 0) - (y.change.order ?? 0) || x.index - y.index)
    .map((x) => x.change)
}
