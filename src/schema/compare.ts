/**
 * compareModels(a, b): every way two schema models differ, as data. This is the judge the tests
 * (and a future `verify` command) use: an empty list means the databases have the same schema.
 * Fields derived from others (dependency lists, column lists of constraints) are not compared.
 * Nor is the physical order of a table's columns or a composite type's attributes (ADD COLUMN
 * and ADD ATTRIBUTE append): they are compared by name. Order that has meaning stays compared:
 * index, key and constraint column lists, function arguments, views, foreign tables.
 */
import type { SchemaModel } from './model.ts'
import { modelForTarget } from './postgres-target.ts'

export interface Difference {
  /** Object kind, e.g. "table", "column", "index". */
  kind: string
  /** Qualified name, e.g. "public.users.email". */
  name: string
  /** What differs: "only in first", "only in second", or "type: integer <> bigint". */
  what: string
}

const IGNORED = new Set(['dependsOn', 'usesTypes', 'columns', 'refTable', 'refColumns', 'function', 'baseline', 'typeStorage', 'relocatable', 'defaultComment'])

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'undefined'
}

function fields(kind: string, name: string, a: Record<string, unknown>, b: Record<string, unknown>, out: Difference[], nested: Record<string, string> = {}): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) {
    if (IGNORED.has(k) && !((kind === 'table' || kind === 'owner and privileges' || kind === 'foreign table') && k === 'columns')) continue
    if (nested[k]) {
      records(nested[k]!, name, (a[k] ?? {}) as Record<string, Record<string, unknown>>, (b[k] ?? {}) as Record<string, Record<string, unknown>>, out)
      continue
    }
    const x = JSON.stringify(a[k])
    const y = JSON.stringify(b[k])
    if (x !== y) out.push({ kind, name, what: `${k}: ${show(a[k])} <> ${show(b[k])}` })
  }
}

function records(kind: string, prefix: string, a: Record<string, Record<string, unknown>>, b: Record<string, Record<string, unknown>>, out: Difference[], nested: Record<string, string> = {}): void {
  const name = (k: string) => (prefix ? `${prefix}.${k}` : k)
  for (const k of Object.keys(a)) if (!(k in b)) out.push({ kind, name: name(k), what: 'only in first' })
  for (const k of Object.keys(b)) if (!(k in a)) out.push({ kind, name: name(k), what: 'only in second' })
  for (const k of Object.keys(a)) {
    if (k in b) fields(kind, name(k), a[k]!, b[k]!, out, nested)
  }
}

/** Composite types with their attributes sorted by name (their order is not compared). */
function byAttributeName(composites: NonNullable<SchemaModel['composites']>): NonNullable<SchemaModel['composites']> {
  return Object.fromEntries(Object.entries(composites).map(([k, c]) => [k, { ...c, attributes: [...c.attributes].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) }]))
}

/** Column privileges keyed in name order (the catalog lists them in column order). */
function byColumnName(security: NonNullable<SchemaModel['security']>): NonNullable<SchemaModel['security']> {
  return Object.fromEntries(Object.entries(security).map(([k, s]) => [k, { ...s, columns: Object.fromEntries(Object.entries(s.columns ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) }]))
}

const TABLE_PARTS = { constraints: 'constraint', indexes: 'index', triggers: 'trigger', policies: 'policy' }

export interface CompareOptions {
  /** Compare as a server of this PostgreSQL major version would see both (MAINTAIN ignored before 17). */
  postgresVersion?: number | undefined
}

/** All differences between two models (empty when they describe the same schema). */
export function compareModels(a: SchemaModel, b: SchemaModel, options: CompareOptions = {}): Difference[] {
  if (options.postgresVersion !== undefined) [a, b] = [modelForTarget(a, options.postgresVersion), modelForTarget(b, options.postgresVersion)]
  const out: Difference[] = []
  records('schema', '', a.schemas as never, b.schemas as never, out)
  records('extension', '', a.extensions as never, b.extensions as never, out)
  records('enum', '', a.enums as never, b.enums as never, out)
  records('domain', '', a.domains as never, b.domains as never, out)
  records('sequence', '', a.sequences as never, b.sequences as never, out)
  records('function', '', a.functions as never, b.functions as never, out)
  records('composite type', '', byAttributeName(a.composites ?? {}) as never, byAttributeName(b.composites ?? {}) as never, out)
  records('range type', '', (a.ranges ?? {}) as never, (b.ranges ?? {}) as never, out)
  records('aggregate', '', (a.aggregates ?? {}) as never, (b.aggregates ?? {}) as never, out)
  records('collation', '', (a.collations ?? {}) as never, (b.collations ?? {}) as never, out)
  records('rule', '', (a.rules ?? {}) as never, (b.rules ?? {}) as never, out)
  records('event trigger', '', (a.eventTriggers ?? {}) as never, (b.eventTriggers ?? {}) as never, out)
  records('publication', '', (a.publications ?? {}) as never, (b.publications ?? {}) as never, out)
  records('foreign data wrapper', '', (a.foreignDataWrappers ?? {}) as never, (b.foreignDataWrappers ?? {}) as never, out)
  records('foreign server', '', (a.foreignServers ?? {}) as never, (b.foreignServers ?? {}) as never, out)
  records('user mapping', '', (a.userMappings ?? {}) as never, (b.userMappings ?? {}) as never, out)
  records('foreign table', '', (a.foreignTables ?? {}) as never, (b.foreignTables ?? {}) as never, out)
  records('text search dictionary', '', (a.tsDictionaries ?? {}) as never, (b.tsDictionaries ?? {}) as never, out)
  records('text search configuration', '', (a.tsConfigurations ?? {}) as never, (b.tsConfigurations ?? {}) as never, out)
  records('cast', '', (a.casts ?? {}) as never, (b.casts ?? {}) as never, out)
  records('operator', '', (a.operators ?? {}) as never, (b.operators ?? {}) as never, out)
  records('owner and privileges', '', byColumnName(a.security ?? {}) as never, byColumnName(b.security ?? {}) as never, out)
  records('default privileges', '', (a.defaultPrivileges ?? {}) as never, (b.defaultPrivileges ?? {}) as never, out)
  records('not modelled', '', (a.unmodelled ?? {}) as never, (b.unmodelled ?? {}) as never, out)
  records('view', '', a.views as never, b.views as never, out, { indexes: 'index', triggers: 'trigger' })
  for (const k of Object.keys(a.tables)) if (!b.tables[k]) out.push({ kind: 'table', name: k, what: 'only in first' })
  for (const k of Object.keys(b.tables)) if (!a.tables[k]) out.push({ kind: 'table', name: k, what: 'only in second' })
  for (const [k, ta] of Object.entries(a.tables)) {
    const tb = b.tables[k]
    if (!tb) continue
    const { columns: ca, ...restA } = ta
    const { columns: cb, ...restB } = tb
    fields('table', k, restA, restB, out, TABLE_PARTS)
    const byName = (cols: typeof ca) => Object.fromEntries(cols.map((c) => [c.name, c]))
    records('column', k, byName(ca) as never, byName(cb) as never, out)
    // Column order is not compared: ADD COLUMN appends, and no migration should rewrite a table
    // to move a column (columns are matched by name above).
  }
  return out
}
