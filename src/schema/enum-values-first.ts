/**
 * Enum values added in place, committed before anything uses them. PostgreSQL refuses a value
 * added by `ALTER TYPE ... ADD VALUE` until the transaction that added it commits ("unsafe use
 * of new enum value", 55P04), and `upgrade` runs every pending migration in one transaction by
 * default: a migration that adds a value and one that uses it (the same or a later one) cannot
 * share it. So `create` writes the values as a migration of their own, `transaction: false`
 * (each ADD VALUE commits on its own), and the rest after it: no enum is rebuilt for a value
 * that is only added.
 */
import { enumAddOnly } from './diff/context.ts'
import type { SchemaModel } from './model.ts'
import { type MigrationPlan, planMigration, type PlanOptions } from './render.ts'

export interface EnumValuesFirst {
  /** from → from with the new enum values: ALTER TYPE ... ADD VALUE only (run outside a transaction). */
  values: MigrationPlan
  /** The rest, from there to `to` (no changes when enum values were all that differed). */
  rest: MigrationPlan
}

/** The model `from` once the enums that only gain values (in order) have them; undefined when none does. */
export function withAddedEnumValues(from: SchemaModel, to: SchemaModel): SchemaModel | undefined {
  const enums = { ...from.enums }
  let any = false
  for (const [key, a] of Object.entries(from.enums)) {
    const b = to.enums[key]
    if (!b || JSON.stringify(a.values) === JSON.stringify(b.values) || !enumAddOnly(a.values, b.values)) continue
    enums[key] = { ...a, values: [...b.values] }
    any = true
  }
  return any ? { ...from, enums } : undefined
}

/** The two plans, or undefined when no enum only gains values. */
export function planEnumValuesFirst(from: SchemaModel, to: SchemaModel, options: PlanOptions = {}): EnumValuesFirst | undefined {
  const mid = withAddedEnumValues(from, to)
  if (!mid) return undefined
  return { values: planMigration(from, mid, options), rest: planMigration(mid, to, options) }
}
