/**
 * Foreign tables (CREATE FOREIGN TABLE). They hold no rows of their own, so any change beyond
 * options and comments (columns, server) is made by dropping the table and creating it again;
 * views over it are re-created around that (see context.ts). Created with the tables, after the
 * servers; dropped with the tables, before the servers.
 */
import type { ForeignColumnInfo, ForeignTableInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { foreignTablesToRecreate } from './foreign-recreate.ts'
import { alterOptions, optionsClause } from './generic-options.ts'
import { commentOn, pairs } from './sql-text.ts'

function column(c: ForeignColumnInfo): string {
  let s = `${c.name} ${c.type}${optionsClause(c.options)}`
  if (c.collation) s += ` COLLATE ${c.collation}`
  if (c.notNull) s += ' NOT NULL'
  if (c.default !== null) s += ` DEFAULT ${c.default}`
  return s
}

function createForeignTable(key: string, t: ForeignTableInfo): string[] {
  const cols = t.columns.map((c) => `    ${column(c)}`).join(',\n')
  const sql = [`CREATE FOREIGN TABLE ${key} (\n${cols}\n) SERVER ${t.server}${optionsClause(t.options)}`]
  if (t.comment !== null) sql.push(commentOn(`FOREIGN TABLE ${key}`, t.comment))
  for (const c of t.columns) if (c.comment !== null) sql.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
  return sql
}

export function diffForeignTables(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const kind = 'foreign table'
  const recreated = foreignTablesToRecreate(ctx.from, ctx.to)
  const { removed, added, both } = pairs(ctx.from.foreignTables ?? {}, ctx.to.foreignTables ?? {})
  const create = (key: string, t: ForeignTableInfo, detected: string): Change =>
    ({ kind, action: 'add', name: key, detected, sql: createForeignTable(key, t), phase: PHASE.createTable })
  for (const [key, t] of added) out.push(create(key, t, detectedLine('add', kind, key)))
  for (const [key] of removed) {
    out.push({ kind, action: 'remove', name: key, detected: detectedLine('remove', kind, key), sql: [`DROP FOREIGN TABLE ${key}`], phase: PHASE.dropTable })
  }
  for (const [key, a, b] of both) {
    if (recreated.has(key)) {
      out.push({ kind, action: 'remove', name: key, detected: detectedLine('change', kind, key, 'columns or server'), sql: [`DROP FOREIGN TABLE ${key}`], phase: PHASE.dropChangedFunction, order: 1 })
      out.push(create(key, b, ''))
      continue
    }
    const options = alterOptions(a.options, b.options)
    if (options) out.push({ kind, action: 'change', name: key, detected: detectedLine('change', kind, key, 'options'), sql: [`ALTER FOREIGN TABLE ${key} ${options}`], phase: PHASE.alterTable })
    const comments: string[] = []
    if (a.comment !== b.comment) comments.push(commentOn(`FOREIGN TABLE ${key}`, b.comment))
    b.columns.forEach((c, i) => {
      if (a.columns[i]?.comment !== c.comment) comments.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
    })
    if (comments.length) out.push({ kind, action: 'change', name: key, detected: detectedLine('change', kind, key, 'comment'), sql: comments, phase: PHASE.comment })
  }
  return out
}
