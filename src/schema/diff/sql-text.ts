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

/** `START WITH 1 INCREMENT BY 1 ...` (type is left out: callers add `AS type` where allowed). */
export function sequenceOptions(s: SequenceOptions): string {
  return `START WITH ${s.start} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`
}

/** The column part of CREATE TABLE / ADD COLUMN. */
export function columnSpec(c: ColumnInfo): string {
  let s = `${c.name} ${c.type}`
  if (c.collation) s += ` COLLATE ${c.collation}`
  if (c.generated !== null) s += ` GENERATED ALWAYS AS (${c.generated}) ${c.virtual ? 'VIRTUAL' : 'STORED'}`
  else if (c.default !== null) s += ` DEFAULT ${c.default}`
  if (c.identity) {
    s += ` GENERATED ${c.identity.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (SEQUENCE NAME ${c.identity.sequence} ${sequenceOptions(c.identity)})`
  }
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
