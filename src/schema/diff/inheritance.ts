/**
 * Plain table inheritance (CREATE TABLE ... INHERITS, ALTER TABLE ... [NO] INHERIT). PostgreSQL
 * carries a parent's column changes down to its children by itself, so a child whose parents do
 * not change is diffed on its own columns only; the columns it merely inherits are left to the
 * parent's diff (altering them on the child is refused: "cannot alter inherited column").
 */
import type { SchemaModel, TableInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { pairs } from './sql-text.ts'

const parentsOf = (t: TableInfo) => t.inherits ?? []

function sameParents(a: TableInfo, b: TableInfo): boolean {
  return JSON.stringify(parentsOf(a)) === JSON.stringify(parentsOf(b))
}

/**
 * Both models prepared for the per-kind diffs: the inherited-only columns of unchanged children
 * are left out, and a child leaving a parent is shown with the parent's check constraints as
 * its own, which is what NO INHERIT (run first) makes of them.
 */
export function withoutInheritedColumns(from: SchemaModel, to: SchemaModel): [SchemaModel, SchemaModel] {
  const both = pairs(from.tables, to.tables).both
  const keys = both.filter(([, a, b]) => parentsOf(b).length > 0 && sameParents(a, b)).map(([k]) => k)
  const leaving = both.filter(([, a, b]) => parentsOf(a).some((p) => !parentsOf(b).includes(p)))
  if (keys.length === 0 && leaving.length === 0) return [from, to]
  const strip = (m: SchemaModel): Record<string, TableInfo> => {
    const tables = { ...m.tables }
    for (const k of keys) tables[k] = { ...tables[k]!, columns: tables[k]!.columns.filter((c) => c.inherited !== 'only') }
    return tables
  }
  const fromTables = strip(from)
  for (const [k, a, b] of leaving) {
    const constraints = { ...a.constraints }
    for (const p of parentsOf(a).filter((x) => !parentsOf(b).includes(x))) {
      for (const c of Object.values(from.tables[p]?.constraints ?? {})) {
        if (c.type === 'c' && !c.definition.includes(' NO INHERIT') && !constraints[c.name]) constraints[c.name] = { ...c, comment: null }
      }
    }
    fromTables[k] = { ...fromTables[k]!, constraints }
  }
  return [{ ...from, tables: fromTables }, { ...to, tables: strip(to) }]
}

/** Depth in the inheritance and partition trees (parents are created first, dropped last). */
export function treeDepth(tables: Record<string, TableInfo>, key: string, seen: Set<string> = new Set()): number {
  const t = tables[key]
  if (!t || seen.has(key)) return 0
  seen.add(key)
  const parents = [...parentsOf(t), ...(t.partitionOf ? [t.partitionOf] : [])]
  return parents.reduce((d, p) => Math.max(d, treeDepth(tables, p, seen) + 1), 0)
}

/**
 * True when a table gains a parent and must take columns it already has from that parent only:
 * INHERIT leaves existing columns the child's own (pg_dump then lists them in its CREATE TABLE)
 * and nothing turns them into inherited-only ones, so the table is created again.
 */
export function inheritanceNeedsRecreate(a: TableInfo, b: TableInfo): boolean {
  if (!parentsOf(b).some((p) => !parentsOf(a).includes(p))) return false
  return b.columns.some((cb) => cb.inherited === 'only' && a.columns.some((ca) => ca.name === cb.name && ca.inherited !== 'only'))
}

/** NO INHERIT / INHERIT for tables on both sides whose parents change. */
export function diffInheritance(ctx: DiffContext): Change[] {
  const out: Change[] = []
  for (const [key, a, b] of pairs(ctx.from.tables, ctx.to.tables).both) {
    if (sameParents(a, b)) continue
    const [pa, pb] = [parentsOf(a), parentsOf(b)]
    const detected = detectedLine('change', 'table', key, 'inheritance')
    // NO INHERIT first: the columns and checks it leaves behind can then be altered or dropped.
    const leave = pa.filter((p) => !pb.includes(p)).map((p) => `ALTER TABLE ${key} NO INHERIT ${p}`)
    if (leave.length) out.push({ kind: 'table', action: 'change', name: key, detected, sql: leave, phase: PHASE.dropForeignKey, order: -1 })
    // INHERIT last: the child must already have every column of the parent.
    const join = pb.filter((p) => !pa.includes(p)).map((p) => `ALTER TABLE ${key} INHERIT ${p}`)
    if (join.length) out.push({ kind: 'table', action: 'change', name: key, detected: leave.length ? '' : detected, sql: join, phase: PHASE.alterTable })
  }
  return out
}
