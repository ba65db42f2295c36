/**
 * A live database holds the version table sqlmig keeps (`sqlmig_version` by default, or the
 * versionTable/versionSchema of the configuration). It is never part of the declared schema, so
 * `diff` leaves it out of the live model, with its schema when nothing declared lives there.
 */
import type { SchemaModel } from './model.ts'

/** quote_ident for a plain name (keywords aside, which a version table name will not be). */
function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`
}

/**
 * The model without the version table `schema.table`, the sequences it owns (another tool's
 * serial id), and its schema if `declared` has no such schema and nothing else is in it.
 */
export function omitVersionTable(model: SchemaModel, name: { schema: string; table: string }, declared: SchemaModel): SchemaModel {
  const schema = ident(name.schema)
  const key = `${schema}.${ident(name.table)}`
  const sequences = Object.fromEntries(Object.entries(model.sequences).filter(([, s]) => !s.ownedBy?.startsWith(`${key}.`)))
  const m: SchemaModel = { ...model, tables: { ...model.tables }, schemas: { ...model.schemas }, security: { ...model.security }, sequences }
  delete m.tables[key]
  delete m.security![`TABLE ${key}`]
  // The lock row table of `--lock table` (src/runner/lock-table.ts) beside it is sqlmig's too.
  delete m.tables[`${schema}.sqlmig_lock`]
  delete m.security![`TABLE ${schema}.sqlmig_lock`]
  const inSchema = (r: Record<string, { schema: string }>) => Object.values(r).some((o) => o.schema === schema)
  const kinds = [m.tables, m.views, m.sequences, m.functions, m.enums, m.domains, m.composites, m.ranges, m.collations, m.aggregates, m.foreignTables, m.tsDictionaries, m.tsConfigurations, m.operators]
  const used = kinds.some((r) => inSchema((r ?? {}) as Record<string, { schema: string }>))
  if (!declared.schemas[schema] && !used) {
    delete m.schemas[schema]
    delete m.security![`SCHEMA ${schema}`]
  }
  return m
}

/** The key catalog-unmodelled.ts gives the number of large objects. */
export const LARGE_OBJECTS = 'large objects in the database'

/**
 * The model without its count of large objects: in a live database they are rows (data), not
 * schema, so `diff` does not report them (`check` does: there a migration or the declared
 * schema made them).
 */
export function omitLargeObjects(model: SchemaModel): SchemaModel {
  if (!model.unmodelled?.[LARGE_OBJECTS]) return model
  const { [LARGE_OBJECTS]: _count, ...rest } = model.unmodelled
  return { ...model, unmodelled: rest }
}
