/**
 * What a diff needs to know beyond one object: which tables go away, which columns change under
 * their dependents, which enums are rebuilt, which functions must be dropped and re-created,
 * and (as a closure) which views must be dropped and re-created around all that.
 */
import type { ColumnInfo, FunctionInfo, OperatorInfo, SchemaModel, ViewInfo } from '../model.ts'
import { foreignTablesGone } from './foreign-recreate.ts'

export interface DiffContext {
  from: SchemaModel
  to: SchemaModel
  /** Tables present before and not after. */
  droppedTables: Set<string>
  /** table → columns whose type changes, or that are dropped or dropped and re-added. */
  changedColumns: Map<string, Set<string>>
  /**
   * Enums and domains rebuilt (renamed away, created anew, columns converted through text, old
   * one dropped): enums that lose or reorder values, domains whose base type or collation changes.
   */
  rebuiltEnums: Set<string>
  /** Functions present on both sides that need DROP + CREATE (signature or result changed). */
  recreatedFunctions: Set<string>
  /** Views present on both sides that are dropped and created again. */
  recreatedViews: Set<string>
  /**
   * table → existing columns, in declared order, that ALTER cannot change in place (a generated
   * expression that changes, or one over a column whose type changes): they are dropped and
   * added again, at the end of the table. Column order is not a schema difference: no column is
   * ever moved to reach the declared order (new columns are appended with ADD COLUMN).
   */
  columnTails: Map<string, string[]>
  /** table → existing columns rebuilt that way (their constraints and indexes go with them). */
  rebuiltColumns: Map<string, Set<string>>
  /** Tables dropped and created again (left out of `from`; see recreate-tables.ts). */
  recreatedTables: Set<string>
}

/** True if the enum can go from `a` to `b` with ALTER TYPE ... ADD VALUE only. */
export function enumAddOnly(a: string[], b: string[]): boolean {
  let j = 0
  for (const v of b) if (j < a.length && v === a[j]) j++
  return j === a.length
}

/** A column is re-created (DROP + ADD) when ALTER cannot turn one into the other. */
export function columnNeedsRecreate(a: ColumnInfo, b: ColumnInfo): boolean {
  return ((a.generated ?? '') !== (b.generated ?? '') && (a.generated !== null || b.generated !== null)) || a.virtual !== b.virtual
}

/** The unquoted-safe text a deparsed expression uses to call a function: `schema.name(`. */
export function functionCallText(f: FunctionInfo): string {
  return `${f.schema}.${f.name}(`
}

/** Text that names an enum type in deparsed SQL (`public.mood`), as a regex-safe matcher. */
export function mentions(text: string | null | undefined, name: string): boolean {
  if (!text) return false
  let at = text.indexOf(name)
  while (at >= 0) {
    const after = text[at + name.length] ?? ''
    const before = at === 0 ? '' : text[at - 1]!
    if (!/[A-Za-z0-9_$"]/.test(after) && !/[A-Za-z0-9_$".]/.test(before)) return true
    at = text.indexOf(name, at + 1)
  }
  return false
}

/**
 * True when a table that goes away uses the operator (a check or an index deparses it as
 * `OPERATOR(schema.op)`): the operator, and its function, must then outlive the table.
 */
export function operatorOutlivesTable(ctx: DiffContext, o: OperatorInfo): boolean {
  const text = `OPERATOR(${o.schema}.${o.name})`
  return [...ctx.droppedTables].some((t) => JSON.stringify(ctx.from.tables[t]).includes(text))
}

function newValueUsed(to: SchemaModel, key: string, added: string[]): boolean {
  const e = to.enums[key]!
  const text = JSON.stringify({ ...to, enums: {} })
  const typeName = `${e.schema}.${e.name}`
  return added.some((v) => text.includes(JSON.stringify(`'${v.replace(/'/g, "''")}'::${typeName}`).slice(1, -1)))
}

export function buildContext(from: SchemaModel, to: SchemaModel, recreatedTables: Set<string> = new Set()): DiffContext {
  const droppedTables = new Set(Object.keys(from.tables).filter((k) => !to.tables[k]))
  const rebuiltEnums = new Set<string>()
  for (const [key, a] of Object.entries(from.enums)) {
    const b = to.enums[key]
    if (!b || JSON.stringify(a.values) === JSON.stringify(b.values)) continue
    const added = b.values.filter((v) => !a.values.includes(v))
    if (!enumAddOnly(a.values, b.values) || newValueUsed(to, key, added)) rebuiltEnums.add(key)
  }
  for (const [key, a] of Object.entries(from.domains)) {
    const b = to.domains[key]
    if (b && (a.type !== b.type || a.collation !== b.collation)) rebuiltEnums.add(key)
  }
  const changedColumns = new Map<string, Set<string>>()
  const columnTails = new Map<string, string[]>()
  const rebuiltColumns = new Map<string, Set<string>>()
  for (const [key, a] of Object.entries(from.tables)) {
    const b = to.tables[key]
    if (!b) continue
    const set = new Set<string>()
    // A generated column over a column whose type changes blocks the change: it is rebuilt too.
    const retyped = a.columns.filter((ca) => b.columns.some((cb) => cb.name === ca.name && cb.type !== ca.type)).map((c) => c.name)
    const forced = new Set(a.columns.filter((c) => c.generated !== null && retyped.some((n) => mentions(c.generated, n))).map((c) => c.name))
    const tail = a.partitionOf || b.partitionOf ? [] : columnTail(a.columns, b.columns, forced)
    if (tail.length > 0) {
      columnTails.set(key, tail)
      rebuiltColumns.set(key, new Set(tail))
      for (const n of tail) set.add(n)
    }
    for (const ca of a.columns) {
      const cb = b.columns.find((c) => c.name === ca.name)
      if (!cb || ca.type !== cb.type || columnNeedsRecreate(ca, cb) || (ca.collation ?? '') !== (cb.collation ?? '')) set.add(ca.name)
      else if ([...rebuiltEnums].some((e) => mentions(cb.type, e))) set.add(ca.name)
    }
    if (set.size > 0) changedColumns.set(key, set)
  }
  const recreatedFunctions = new Set<string>()
  for (const [key, a] of Object.entries(from.functions)) {
    const b = to.functions[key]
    if (!b) continue
    if (a.args !== b.args || a.identityArgs !== b.identityArgs || a.result !== b.result || a.kind !== b.kind || [...rebuiltEnums].some((e) => mentions(b.identityArgs, e) || mentions(b.result, e))) {
      recreatedFunctions.add(key)
    }
  }
  const ctx: DiffContext = {
    from, to, droppedTables, changedColumns, rebuiltEnums, recreatedFunctions, recreatedViews: new Set(), columnTails, rebuiltColumns, recreatedTables,
  }
  ctx.recreatedViews = viewsToRecreate(ctx)
  return ctx
}

/**
 * The existing columns that must be dropped and added again (in declared order): those whose
 * generated expression changes, and generated columns in `forced`. Column order is not compared:
 * a column declared elsewhere than where the table has it stays where it is.
 */
export function columnTail(a: ColumnInfo[], b: ColumnInfo[], forced: Set<string> = new Set()): string[] {
  return b.filter((cb) => {
    const ca = a.find((c) => c.name === cb.name)
    return ca !== undefined && (columnNeedsRecreate(ca, cb) || forced.has(ca.name))
  }).map((c) => c.name)
}

function viewChanged(a: ViewInfo, b: ViewInfo): boolean {
  return a.definition !== b.definition || a.materialized !== b.materialized || (a.options ?? '') !== (b.options ?? '')
}

function viewsToRecreate(ctx: DiffContext): Set<string> {
  const { from, to } = ctx
  const gone = new Set<string>()
  for (const [k, a] of Object.entries(from.views)) {
    const b = to.views[k]
    if (!b || viewChanged(a, b)) gone.add(k)
  }
  for (const k of ctx.recreatedFunctions) gone.add(k)
  for (const k of Object.keys(from.functions)) if (!to.functions[k]) gone.add(k)
  for (const [k, g] of Object.entries(from.aggregates ?? {})) {
    const h = to.aggregates?.[k]
    if (!h || JSON.stringify({ ...g, comment: null }) !== JSON.stringify({ ...h, comment: null })) gone.add(k)
  }
  for (const k of ctx.changedColumns.keys()) gone.add(k)
  for (const k of ctx.droppedTables) gone.add(k)
  for (const k of ctx.recreatedTables) gone.add(k)
  for (const k of foreignTablesGone(from, to)) gone.add(k)
  // Closure: a view over something dropped or changed goes too.
  let grew = true
  while (grew) {
    grew = false
    for (const [k, v] of Object.entries(from.views)) {
      if (gone.has(k)) continue
      if (v.dependsOn.some((d) => gone.has(d))) {
        gone.add(k)
        grew = true
      }
    }
  }
  return new Set(Object.keys(from.views).filter((k) => gone.has(k) && to.views[k]))
}

/** Views in dependency order (a view after everything it reads). */
export function viewOrder(model: SchemaModel): Map<string, number> {
  const rank = new Map<string, number>()
  const visiting = new Set<string>()
  const visit = (k: string): number => {
    const known = rank.get(k)
    if (known !== undefined) return known
    if (visiting.has(k)) return 0
    visiting.add(k)
    let r = 0
    for (const d of model.views[k]?.dependsOn ?? []) if (model.views[d]) r = Math.max(r, visit(d) + 1)
    rank.set(k, r)
    return r
  }
  for (const k of Object.keys(model.views)) visit(k)
  return rank
}
