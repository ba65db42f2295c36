/** Small SQL text builders shared by the per-kind diffs. Names in the model are already quoted. */
import type { ColumnInfo, SequenceOptions } from '../model.ts'
import { commentValue } from '../model.ts'

/** The raw name behind a quote_ident result. */
export function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name
}

/** Always-quoted identifier for a name we make up (so case and suffixes survive). */
export function quoted(raw: string): string {
  return `"${raw.replace(/"/g, '""')}"`
}

/** `START WITH 1 INCREMENT BY 1 ...`, every option spelled out (ALTER SEQUENCE: what is left out stays). */
export function sequenceOptions(s: SequenceOptions): string {
  return `START WITH ${s.start} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`
}

/** The range of each sequence type (CREATE SEQUENCE's default MINVALUE/MAXVALUE come from it). */
const TYPE_RANGE: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
}

/**
 * The options of a new sequence that differ from CREATE SEQUENCE's defaults, as a person writes
 * them (`INCREMENT BY 2 CACHE 20`; "" when all are defaults): an ascending sequence defaults to
 * MINVALUE 1, MAXVALUE the type's maximum, START its MINVALUE; a descending one to MINVALUE the
 * type's minimum, MAXVALUE -1, START its MAXVALUE; CACHE 1, NO CYCLE.
 */
export function newSequenceOptions(s: SequenceOptions): string {
  const range = TYPE_RANGE[s.type]
  const up = BigInt(s.increment) > 0n
  const [min, max] = up ? ['1', String(range?.[1])] : [String(range?.[0]), '-1']
  const parts: string[] = []
  if (s.increment !== '1') parts.push(`INCREMENT BY ${s.increment}`)
  if (s.min !== min) parts.push(`MINVALUE ${s.min}`)
  if (s.max !== max) parts.push(`MAXVALUE ${s.max}`)
  if (s.start !== (up ? s.min : s.max)) parts.push(`START WITH ${s.start}`)
  if (s.cache !== '1') parts.push(`CACHE ${s.cache}`)
  if (s.cycle) parts.push('CYCLE')
  return parts.join(' ')
}

/** The raw parts of a qualified, quoted name (`public."A b"` → ["public", "A b"]). */
export function nameParts(qualified: string): string[] {
  return (qualified.match(/"(?:[^"]|"")*"|[^."]+/g) ?? []).map(unquote)
}

/**
 * `GENERATED ... AS IDENTITY [(options)]` for a column of `table`: the sequence name is left out
 * when it is the one PostgreSQL picks (`<table>_<column>_seq` in the table's schema, if that fits
 * in 63 bytes), and so are options at their defaults.
 */
export function identityClause(table: string, c: Pick<ColumnInfo, 'name' | 'type' | 'identity'>): string {
  const id = c.identity!
  const [schema, rel] = nameParts(table)
  const [seqSchema, seqName] = nameParts(id.sequence)
  const picked = `${rel}_${unquote(c.name)}_seq`
  const options: string[] = []
  if (seqSchema !== schema || seqName !== picked || new TextEncoder().encode(picked).length > 63) options.push(`SEQUENCE NAME ${id.sequence}`)
  const rest = newSequenceOptions(id)
  if (rest) options.push(rest)
  return `GENERATED ${id.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`
}

/** The column part of CREATE TABLE / ADD COLUMN of `table`. */
export function columnSpec(table: string, c: ColumnInfo): string {
  let s = `${c.name} ${c.type}`
  if (c.collation) s += ` COLLATE ${c.collation}`
  if (c.generated !== null) s += ` GENERATED ALWAYS AS (${c.generated}) ${c.virtual ? 'VIRTUAL' : 'STORED'}`
  else if (c.default !== null) s += ` DEFAULT ${c.default}`
  if (c.identity) s += ` ${identityClause(table, c)}`
  if (c.notNull) s += ' NOT NULL'
  return s
}

/** COMMENT ON <what> IS '...' | NULL. */
export function commentOn(what: string, comment: string | null): string {
  return `COMMENT ON ${what} IS ${commentValue(comment)}`
}

/** Records of two sides, key by key: only in a, only in b, in both. */
export function pairs<T>(a: Record<string, T>, b: Record<string, T>): { removed: [string, T][]; added: [string, T][]; both: [string, T, T][] } {
  const removed: [string, T][] = []
  const added: [string, T][] = []
  const both: [string, T, T][] = []
  for (const [k, v] of Object.entries(a)) {
    const w = b[k]
    if (w === undefined) removed.push([k, v])
    else both.push([k, v, w])
  }
  for (const [k, v] of Object.entries(b)) if (a[k] === undefined) added.push([k, v])
  return { removed, added, both }
}
