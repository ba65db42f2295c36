/**
 * Whether ALTER COLUMN ... TYPE rewrites the table. PostgreSQL skips the rewrite when the old
 * type is binary-coercible to the new one and no length/precision check can fail (the cast is a
 * RelabelType, or a length coercion whose support function proves it a no-op):
 * varchar(n) → varchar(m ≥ n) / varchar / text, text ↔ varchar, numeric(p,s) → numeric(q ≥ p, s) /
 * numeric, varbit(n) → varbit(m ≥ n), timestamp(p)/time(p)/timestamptz(p) → more precision,
 * cidr → inet, and (PG 12+) timestamp ↔ timestamptz when the session TimeZone is UTC.
 */
import type { TypeRef } from './nodes.ts'

export type TypeChange = { rewrite: false } | { rewrite: true; note?: string }

const ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  decimal: 'numeric',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
}

export function canonicalType(name: string): string {
  return ALIASES[name] ?? name
}

/** Types whose typmod only bounds a length or precision, checked by a no-op-proving support function when it grows. */
const GROWABLE = new Set(['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz'])

const sameMods = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i])

/** Whether changing a column from `from` to `to` rewrites; `utc`: the session TimeZone is UTC. */
export function typeChange(from: TypeRef | undefined, to: TypeRef, utc: boolean): TypeChange {
  if (from === undefined) return { rewrite: true, note: "the column's current type is unknown: it rewrites unless that type is binary-coercible to the new one" }
  const a = canonicalType(from.name)
  const b = canonicalType(to.name)
  if (from.array !== to.array) return { rewrite: true }
  if (a === b) {
    if (sameMods(from.mods, to.mods)) return { rewrite: false }
    if (GROWABLE.has(a)) return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!) ? { rewrite: false } : { rewrite: true }
    if (a === 'numeric') {
      if (to.mods.length === 0) return { rewrite: false }
      if (from.mods.length === 0) return { rewrite: true }
      const scale = (m: number[]) => m[1] ?? 0
      return scale(from.mods) === scale(to.mods) && to.mods[0]! >= from.mods[0]! ? { rewrite: false } : { rewrite: true }
    }
    return { rewrite: true }
  }
  if ((a === 'varchar' || a === 'text') && (b === 'text' || (b === 'varchar' && to.mods.length === 0))) return { rewrite: false }
  if (a === 'cidr' && b === 'inet' && to.mods.length === 0) return { rewrite: false }
  if (((a === 'timestamp' && b === 'timestamptz') || (a === 'timestamptz' && b === 'timestamp')) && (to.mods.length === 0 || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!))) {
    return utc ? { rewrite: false } : { rewrite: true, note: 'it rewrites unless the session TimeZone is UTC (SET TIME ZONE \'UTC\' first)' }
  }
  return { rewrite: true }
}
