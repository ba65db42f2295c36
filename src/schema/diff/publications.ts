/**
 * Publications (CREATE PUBLICATION). A publication is created bare, after every table, view and
 * trigger exists, and its members are then added one ALTER PUBLICATION ... ADD at a time; members
 * that go are dropped at the start, before columns and tables change. A member goes with its
 * table when the table is dropped (or dropped and created again), and a member whose column
 * list or row filter depends on a column that changes is dropped first and added back after
 * (PostgreSQL records those columns as dependencies). Switching FOR ALL TABLES on or off means
 * dropping and creating the publication again.
 */
import { literal, type PublicationInfo, type PublicationTable } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const OPS = ['insert', 'update', 'delete', 'truncate'] as const

/** WITH (publish = '...', publish_via_partition_root = ...): the options SET accepts too. */
function options(p: PublicationInfo): string {
  const publish = OPS.filter((op) => p[op]).join(', ')
  return `(publish = ${literal(publish)}, publish_via_partition_root = ${p.viaRoot})`
}

function member(table: string, t: PublicationTable): string {
  const cols = t.columns ? ` (${t.columns.join(', ')})` : ''
  const where = t.where !== null ? ` WHERE (${t.where})` : ''
  return `TABLE ONLY ${table}${cols}${where}`
}

function change(key: string, sql: string[], phase: number, detected = ''): Change {
  return { kind: 'publication', action: 'change', name: key, detected, sql, phase, order: 3 }
}

/** True when the member's table is dropped (or re-created), which takes the member with it. */
function goesWithTable(ctx: DiffContext, table: string): boolean {
  return ctx.recreatedTables.has(table) || (!!ctx.from.tables[table] && !ctx.to.tables[table])
}

/** True when the member's column list or row filter uses a column that is changed or dropped. */
function disturbed(ctx: DiffContext, table: string, t: PublicationTable): boolean {
  const moving = ctx.changedColumns.get(table)
  if (!moving || (t.columns === null && t.where === null)) return false
  return [...moving].some((c) => (t.columns ?? []).includes(c) || (t.where ?? '').includes(c))
}

function memberChanges(ctx: DiffContext, key: string, a: PublicationInfo | null, b: PublicationInfo): Change[] {
  const out: Change[] = []
  const before = a?.tables ?? {}
  for (const [table, t] of Object.entries(before)) {
    const next = b.tables[table]
    const same = next && JSON.stringify(next) === JSON.stringify(t) && !disturbed(ctx, table, t)
    if (same && !ctx.recreatedTables.has(table)) continue
    if (!goesWithTable(ctx, table)) out.push(change(key, [`ALTER PUBLICATION ${key} DROP TABLE ONLY ${table}`], PHASE.dropRule))
  }
  for (const [table, t] of Object.entries(b.tables)) {
    const prev = before[table]
    const same = prev && JSON.stringify(prev) === JSON.stringify(t) && !disturbed(ctx, table, prev) && !ctx.recreatedTables.has(table)
    if (!same) out.push(change(key, [`ALTER PUBLICATION ${key} ADD ${member(table, t)}`], PHASE.createTrigger))
  }
  const schemasBefore = a?.schemas ?? []
  for (const s of schemasBefore) {
    if (!b.schemas.includes(s)) out.push(change(key, [`ALTER PUBLICATION ${key} DROP TABLES IN SCHEMA ${s}`], PHASE.dropRule))
  }
  for (const s of b.schemas) {
    if (!schemasBefore.includes(s)) out.push(change(key, [`ALTER PUBLICATION ${key} ADD TABLES IN SCHEMA ${s}`], PHASE.createTrigger))
  }
  return out
}

function create(ctx: DiffContext, key: string, p: PublicationInfo, detected: string): Change[] {
  const sql = [`CREATE PUBLICATION ${key}${p.allTables ? ' FOR ALL TABLES' : ''} WITH ${options(p)}`]
  if (p.comment !== null) sql.push(commentOn(`PUBLICATION ${key}`, p.comment))
  return [{ kind: 'publication', action: 'add', name: key, detected, sql, phase: PHASE.createTrigger, order: 3 }, ...memberChanges(ctx, key, null, p)]
}

function drop(key: string, detected: string): Change {
  return { kind: 'publication', action: 'remove', name: key, detected, sql: [`DROP PUBLICATION ${key}`], phase: PHASE.dropRule }
}

export function diffPublications(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.publications ?? {}, ctx.to.publications ?? {})
  for (const [key, p] of added) out.push(...create(ctx, key, p, detectedLine('add', 'publication', key)))
  for (const [key] of removed) out.push(drop(key, detectedLine('remove', 'publication', key)))
  for (const [key, a, b] of both) {
    if (a.allTables !== b.allTables) {
      out.push(drop(key, detectedLine('change', 'publication', key, 'FOR ALL TABLES')), ...create(ctx, key, b, ''))
      continue
    }
    const members = memberChanges(ctx, key, a, b)
    if (members.length > 0) members[0]!.detected = detectedLine('change', 'publication', key, 'members')
    out.push(...members)
    if (options(a) !== options(b)) {
      out.push(change(key, [`ALTER PUBLICATION ${key} SET ${options(b)}`], PHASE.createTrigger, detectedLine('change', 'publication', key, 'options')))
    }
    if (a.comment !== b.comment) {
      out.push(change(key, [commentOn(`PUBLICATION ${key}`, b.comment)], PHASE.comment, detectedLine('change', 'publication', key, 'comment')))
    }
  }
  return out
}
