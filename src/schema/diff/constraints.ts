/**
 * Table constraints and indexes. Changed ones are dropped and added again. Some unchanged ones
 * are re-created too: those that mention a rebuilt enum or a re-created function, foreign keys
 * over a column whose type changes, and foreign keys whose referenced key is re-created.
 */
import type { ConstraintInfo, IndexInfo, TableInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { functionCallText, mentions, type DiffContext } from './context.ts'
import { createPhase } from './functions.ts'
import { commentOn, pairs } from './sql-text.ts'

function forcedByText(ctx: DiffContext, text: string): boolean {
  return [...ctx.rebuiltEnums].some((e) => mentions(text, e)) ||
    [...ctx.recreatedFunctions].some((k) => text.includes(functionCallText(ctx.from.functions[k]!)))
}

/** Columns of a table that are dropped and added back (their constraints and indexes go with them). */
function recreatedColumns(ctx: DiffContext, key: string): Set<string> {
  return ctx.rebuiltColumns.get(key) ?? new Set()
}

function typeChanged(ctx: DiffContext, table: string, columns: string[]): boolean {
  const a = ctx.from.tables[table]
  const b = ctx.to.tables[table]
  if (!a || !b) return false
  return columns.some((n) => {
    const ca = a.columns.find((c) => c.name === n)
    const cb = b.columns.find((c) => c.name === n)
    return ca && cb && ca.type !== cb.type
  }) || columns.some((n) => ctx.changedColumns.get(table)?.has(n) === true && b.columns.some((c) => c.name === n))
}

export function diffConstraintsAndIndexes(ctx: DiffContext): Change[] {
  const out: Change[] = []
  // First pass: which keys (p/u/x constraints, unique indexes) go away on each kept table.
  // A re-created table's keys go too: foreign keys to it are dropped before and added after.
  const keysDropped = new Set<string>(ctx.recreatedTables)
  const plans = new Map<string, { cons: ReturnType<typeof pairs<ConstraintInfo>>; idx: ReturnType<typeof pairs<IndexInfo>>; rec: Set<string> }>()
  for (const [key, a] of Object.entries(ctx.from.tables)) {
    const b = ctx.to.tables[key]
    if (!b) continue
    const cons = pairs(a.constraints, b.constraints)
    const idx = pairs(a.indexes, b.indexes)
    const rec = recreatedColumns(ctx, key)
    plans.set(key, { cons, idx, rec })
    const goes = (cols: string[], def: string, changed: boolean) => changed || forcedByText(ctx, def) || cols.some((c) => rec.has(c))
    for (const [, c] of cons.removed) if (c.type !== 'f' && c.type !== 'c') keysDropped.add(key)
    for (const [, c, d] of cons.both) if (c.type !== 'f' && c.type !== 'c' && goes(c.columns, d.definition, c.definition !== d.definition)) keysDropped.add(key)
    for (const [, i] of idx.removed) if (i.definition.startsWith('CREATE UNIQUE')) keysDropped.add(key)
    for (const [, i, j] of idx.both) if (i.definition.startsWith('CREATE UNIQUE') && goes(i.columns, j.definition, i.definition !== j.definition)) keysDropped.add(key)
  }
  for (const [key, { cons, idx, rec }] of plans) {
    const forceCon = (c: ConstraintInfo, d: ConstraintInfo) => forcedByText(ctx, d.definition) || c.columns.some((n) => rec.has(n)) ||
      (c.type === 'f' && (typeChanged(ctx, key, c.columns) || (c.refTable !== null && (typeChanged(ctx, c.refTable, c.refColumns) || (keysDropped.has(c.refTable) && ctx.to.tables[c.refTable] !== undefined)))))
    for (const [name, c] of cons.removed) out.push(dropConstraint(key, name, c, detectedLine('remove', 'constraint', `${key}.${name}`)))
    for (const [name, c, d] of cons.both) {
      const changed = c.definition !== d.definition
      if (changed || forceCon(c, d)) {
        out.push(dropConstraint(key, name, c, changed ? detectedLine('change', 'constraint', `${key}.${name}`) : ''))
        out.push(addConstraint(key, d, '', ctx.from.tables[key]))
      } else if (c.comment !== d.comment) {
        out.push({ kind: 'constraint', action: 'change', name: `${key}.${name}`, detected: detectedLine('change', 'constraint', `${key}.${name}`, 'comment'), sql: [commentOn(`CONSTRAINT ${name} ON ${key}`, d.comment)], phase: PHASE.comment })
      }
    }
    for (const [, d] of cons.added) out.push(addConstraint(key, d, detectedLine('add', 'constraint', `${key}.${d.name}`), ctx.from.tables[key]))
    out.push(...diffIndexes(ctx, key, idx, rec))
  }
  for (const [key, t] of Object.entries(ctx.to.tables)) {
    if (ctx.from.tables[key]) continue
    const inline = new Set(inlineConstraints(ctx, t))
    for (const d of Object.values(t.constraints)) if (!inline.has(d)) out.push(addConstraint(key, d, ''))
    for (const i of Object.values(t.indexes)) out.push(createIndex(key, i, ''))
  }
  return out
}

/**
 * The constraints a new table declares inside its CREATE TABLE, as a person writes it: primary
 * keys, unique constraints and valid checks, keys first. Foreign keys come after every table
 * exists (tables may reference each other); exclusion constraints, NOT VALID checks, checks
 * calling a function created after the tables (or whose body reads a new table), and a
 * partition's own constraints are added with ALTER TABLE.
 */
export function inlineConstraints(ctx: DiffContext, t: TableInfo): ConstraintInfo[] {
  if (t.partitionOf) return []
  // Created after the tables: by phase, or because its SQL-standard body reads a new table.
  const newTables = (d: string) => ctx.to.tables[d] !== undefined && ctx.from.tables[d] === undefined
  const late = Object.entries(ctx.to.functions)
    .filter(([k, f]) => (!ctx.from.functions[k] || ctx.recreatedFunctions.has(k)) &&
      (createPhase(ctx, f) > PHASE.createTable || (ctx.to.dependencies?.[k] ?? []).some(newTables)))
    .map(([, f]) => functionCallText(f))
  const rank = { p: 0, u: 1, c: 2 } as Record<string, number>
  return Object.values(t.constraints)
    .filter((c) => c.type === 'p' || c.type === 'u' || (c.type === 'c' && !/ NOT VALID$/.test(c.definition) && !late.some((call) => c.definition.includes(call))))
    .sort((x, y) => rank[x.type]! - rank[y.type]!)
}

/** Index changes of one relation (a table, or a materialized view that is kept). */
export function diffIndexes(ctx: DiffContext, key: string, idx: ReturnType<typeof pairs<IndexInfo>>, rec = new Set<string>()): Change[] {
  const out: Change[] = []
  const schema = key.slice(0, key.length - (ctx.to.tables[key]?.name ?? ctx.to.views[key]?.name ?? '').length - 1)
  for (const [name] of idx.removed) {
    out.push({ kind: 'index', action: 'remove', name: `${schema}.${name}`, detected: detectedLine('remove', 'index', `${schema}.${name}`), sql: [`DROP INDEX ${schema}.${name}`], phase: PHASE.dropIndex })
  }
  for (const [name, i, j] of idx.both) {
    const changed = i.definition !== j.definition
    if (changed || forcedByText(ctx, j.definition) || i.columns.some((c) => rec.has(c))) {
      out.push({ kind: 'index', action: 'remove', name: `${schema}.${name}`, detected: changed ? detectedLine('change', 'index', `${schema}.${name}`) : '', sql: [`DROP INDEX ${schema}.${name}`], phase: PHASE.dropIndex })
      out.push(createIndex(key, j, ''))
    } else {
      if (i.comment !== j.comment) {
        out.push({ kind: 'index', action: 'change', name: `${schema}.${name}`, detected: detectedLine('change', 'index', `${schema}.${name}`, 'comment'), sql: [commentOn(`INDEX ${schema}.${name}`, j.comment)], phase: PHASE.comment })
      }
      const stats = indexStatisticsSql(`${schema}.${name}`, i.statistics, j.statistics)
      if (stats.length) out.push({ kind: 'index', action: 'change', name: `${schema}.${name}`, detected: detectedLine('change', 'index', `${schema}.${name}`, 'statistics target'), sql: stats, phase: PHASE.createIndex })
    }
  }
  for (const [name, j] of idx.added) out.push(createIndex(key, j, detectedLine('add', 'index', `${schema}.${name}`)))
  return out
}

function dropConstraint(table: string, name: string, c: ConstraintInfo, detected: string): Change {
  return {
    kind: 'constraint', action: 'remove', name: `${table}.${name}`, detected, sql: [`ALTER TABLE ${table} DROP CONSTRAINT ${name}`],
    phase: c.type === 'f' ? PHASE.dropForeignKey : PHASE.dropConstraint,
  }
}

/**
 * A foreign key or check added to a table that already holds rows is added NOT VALID, then
 * validated: the ADD then takes its lock only briefly, and VALIDATE CONSTRAINT scans the rows
 * under a lock that lets writes through (SHARE UPDATE EXCLUSIVE). Not on a partitioned table's
 * foreign key, which PostgreSQL cannot add NOT VALID (before 18), nor on what is declared NOT
 * VALID or NOT ENFORCED.
 */
function validatedLater(table: TableInfo | undefined, c: ConstraintInfo): boolean {
  if (!table || (c.type !== 'f' && c.type !== 'c')) return false
  if (/ NOT (?:VALID|ENFORCED)$/.test(c.definition)) return false
  return !(c.type === 'f' && table.partitionKey)
}

function addConstraint(table: string, c: ConstraintInfo, detected: string, existing?: TableInfo): Change {
  const later = validatedLater(existing, c)
  const sql = [`ALTER TABLE ${table} ADD CONSTRAINT ${c.name} ${c.definition}${later ? ' NOT VALID' : ''}`]
  if (later) sql.push(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${c.name}`)
  if (c.comment !== null) sql.push(commentOn(`CONSTRAINT ${c.name} ON ${table}`, c.comment))
  return { kind: 'constraint', action: 'add', name: `${table}.${c.name}`, detected, sql, phase: c.type === 'f' ? PHASE.addForeignKey : PHASE.addConstraint }
}

/** The SET STATISTICS that turn one index's column statistics targets into another's (-1: back to the default). */
function indexStatisticsSql(index: string, a: Record<string, number> | undefined, b: Record<string, number> | undefined): string[] {
  const sql: string[] = []
  for (const n of Object.keys(a ?? {})) if (b?.[n] === undefined) sql.push(`ALTER INDEX ${index} ALTER COLUMN ${n} SET STATISTICS -1`)
  for (const [n, v] of Object.entries(b ?? {})) if (a?.[n] !== v) sql.push(`ALTER INDEX ${index} ALTER COLUMN ${n} SET STATISTICS ${v}`)
  return sql
}

/** CREATE INDEX (the server's own text) plus its statistics targets and comment. */
export function createIndex(table: string, i: IndexInfo, detected: string, phase: number = PHASE.createIndex): Change {
  const schema = /ON (?:ONLY )?((?:"(?:[^"]|"")*"|[^."\s]+))\./.exec(i.definition)?.[1] ?? table.split('.')[0]!
  // A partitioned table's index reads "ON ONLY": created without ONLY it reaches the partitions too.
  const sql = [i.definition.replace(/ ON ONLY /, ' ON '), ...indexStatisticsSql(`${schema}.${i.name}`, undefined, i.statistics)]
  if (i.comment !== null) sql.push(commentOn(`INDEX ${schema}.${i.name}`, i.comment))
  return { kind: 'index', action: 'add', name: `${schema}.${i.name}`, detected, sql, phase }
}
