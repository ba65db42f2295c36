/**
 * Whether a column default is volatile: PostgreSQL 11+ stores a non-volatile default of a new
 * column in the catalog (no rewrite) but must rewrite the table to compute a volatile one per row.
 * A function this module does not know counts as volatile: a missed rewrite costs more than a
 * warning too many.
 */
import { as, kindOf, list, names, walk } from './nodes.ts'

/** Built-in functions that are STABLE or IMMUTABLE (evaluated once for ADD COLUMN ... DEFAULT). */
const NOT_VOLATILE = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'lower', 'upper', 'concat', 'md5', 'length',
  'make_date', 'make_timestamp', 'make_timestamptz', 'make_interval', 'to_timestamp', 'to_date', 'to_char', 'to_json', 'to_jsonb',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'array_fill', 'abs', 'round', 'trim', 'btrim', 'replace',
  'current_database', 'current_schema', 'date_trunc', 'timezone', 'int4', 'int8', 'text', 'numeric', 'uuid_nil',
])

export const KNOWN_VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'setseed', 'random_normal'])

/** The first volatile (or unknown) function an expression calls, or undefined when none. */
export function volatileCall(expr: unknown): string | undefined {
  for (const n of walk(expr)) {
    const f = as(n, 'FuncCall')
    if (f) {
      const name = names(f.funcname).filter((x) => x !== 'pg_catalog').join('.')
      if (!NOT_VOLATILE.has(name)) return name
    }
    if (kindOf(n) === 'SubLink') return 'a subquery'
  }
  return undefined
}

/** A column definition's DEFAULT expression, if any. */
export function defaultOf(columnDef: Record<string, unknown>): unknown {
  for (const c of list(columnDef.constraints)) {
    const k = as(c, 'Constraint')
    if (k?.contype === 'CONSTR_DEFAULT') return k.raw_expr
  }
  return undefined
}
