/**
 * Which foreign servers and foreign tables a diff drops and creates again: read from the two
 * models alone, by the context (views over them are re-created around that), by
 * foreign-servers.ts and by foreign-tables.ts. Its own module so that none of those three
 * imports another's code (no import cycle).
 */
import type { ForeignTableInfo, SchemaModel } from '../model.ts'

/** Servers on both sides that must be dropped and created again (wrapper or type changed). */
export function serversToRecreate(from: SchemaModel, to: SchemaModel): Set<string> {
  const out = new Set<string>()
  for (const [k, a] of Object.entries(from.foreignServers ?? {})) {
    const b = to.foreignServers?.[k]
    if (b && (a.fdw !== b.fdw || a.type !== b.type)) out.add(k)
  }
  return out
}

const shape = (t: ForeignTableInfo): string =>
  JSON.stringify([t.server, t.columns.map((c) => ({ ...c, comment: null }))])

/** Foreign tables on both sides that are dropped and created again. */
export function foreignTablesToRecreate(from: SchemaModel, to: SchemaModel): Set<string> {
  const servers = serversToRecreate(from, to)
  const out = new Set<string>()
  for (const [k, a] of Object.entries(from.foreignTables ?? {})) {
    const b = to.foreignTables?.[k]
    if (b && (shape(a) !== shape(b) || servers.has(b.server))) out.add(k)
  }
  return out
}

/** Foreign tables that go away, for good or to come back (what views over them must survive). */
export function foreignTablesGone(from: SchemaModel, to: SchemaModel): string[] {
  const recreated = foreignTablesToRecreate(from, to)
  return Object.keys(from.foreignTables ?? {}).filter((k) => recreated.has(k) || !to.foreignTables?.[k])
}
