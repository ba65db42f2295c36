/**
 * Tables PostgreSQL cannot alter into their new shape: a changed partition key, a plain table
 * becoming partitioned (or back), a table becoming a partition (or ceasing to be one), a table
 * gaining a parent whose columns it must not declare itself (see inheritance.ts). They are
 * dropped and created again, with their partitions and inheritance children. The diff then
 * runs against the "from" model without them, so that they, their constraints, indexes,
 * triggers, policies, comments and privileges all come out as new; what other objects hold on
 * them (foreign keys, views, sequences they own) is released first and restored after.
 */
import type { SchemaModel, TableInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { inheritanceNeedsRecreate, treeDepth } from './inheritance.ts'
import { ownerSplit } from './sequences.ts'
import { pairs } from './sql-text.ts'

/** True when a table cannot be altered into the other and is dropped and created again. */
export function tableNeedsRecreate(a: TableInfo, b: TableInfo): boolean {
  return (a.partitionKey ?? '') !== (b.partitionKey ?? '') || (a.partitionOf === null) !== (b.partitionOf === null) || inheritanceNeedsRecreate(a, b)
}

/** Tables to drop and create again, with everything below them in the partition/inheritance tree. */
export function tablesToRecreate(from: SchemaModel, to: SchemaModel): Set<string> {
  const out = new Set(pairs(from.tables, to.tables).both.filter(([, a, b]) => tableNeedsRecreate(a, b)).map(([k]) => k))
  let grew = out.size > 0
  while (grew) {
    grew = false
    for (const [k, t] of Object.entries(from.tables)) {
      if (out.has(k)) continue
      if ((t.partitionOf && out.has(t.partitionOf)) || (t.inherits ?? []).some((p) => out.has(p))) {
        out.add(k)
        grew = true
      }
    }
  }
  return out
}

/** The "from" model as it stands once the tables are dropped. */
export function withoutTables(from: SchemaModel, keys: Set<string>): SchemaModel {
  if (keys.size === 0) return from
  const tables = Object.fromEntries(Object.entries(from.tables).filter(([k]) => !keys.has(k)))
  const security = Object.fromEntries(Object.entries(from.security ?? {}).filter(([, s]) => !(s.type === 'TABLE' && keys.has(s.name))))
  const sequences = Object.fromEntries(Object.entries(from.sequences).map(([k, s]) =>
    [k, s.ownedBy && keys.has(ownerSplit(s.ownedBy).table) ? { ...s, ownedBy: null } : s]))
  return { ...from, tables, security, sequences }
}

/** DROP TABLE for each re-created table (partitions go with their parent), after releasing owned sequences. */
export function dropRecreatedTables(from: SchemaModel, keys: Set<string>): Change[] {
  const out: Change[] = []
  for (const s of Object.values(from.sequences)) {
    if (s.ownedBy && keys.has(ownerSplit(s.ownedBy).table)) {
      out.push({ kind: 'sequence', action: 'change', name: `${s.schema}.${s.name}`, detected: '', sql: [`ALTER SEQUENCE ${s.schema}.${s.name} OWNED BY NONE`], phase: PHASE.dropDefault, order: -1000 })
    }
  }
  for (const k of keys) {
    const t = from.tables[k]!
    if (t.partitionOf && keys.has(t.partitionOf)) continue
    out.push({
      kind: 'table', action: 'change', name: k, detected: detectedLine('change', 'table', k, 're-created'), sql: [`DROP TABLE ${k}`],
      phase: PHASE.dropDefault, order: -treeDepth(from.tables, k) - 100, destructive: true,
      notes: ['PostgreSQL cannot alter the table into its new partitioning or inheritance: it is dropped and created again, and its rows are lost (copy them out first)'],
    })
  }
  return out
}
