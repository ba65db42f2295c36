/** Tables as wholes: create (columns inline), drop, logged/unlogged, row-level security, comment. */
import type { TableInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { columnSpec, commentOn, pairs } from './sql-text.ts'

function rowSecuritySql(key: string, a: Pick<TableInfo, 'rowSecurity' | 'forceRowSecurity'>, b: TableInfo): string[] {
  const sql: string[] = []
  if (a.rowSecurity !== b.rowSecurity) sql.push(`ALTER TABLE ${key} ${b.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`)
  if (a.forceRowSecurity !== b.forceRowSecurity) sql.push(`ALTER TABLE ${key} ${b.forceRowSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY`)
  return sql
}

export function diffTables(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.tables, ctx.to.tables)
  for (const [key, t] of added) {
    const cols = t.columns.map((c) => `    ${columnSpec(c)}`).join(',\n')
    const sql = [`CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${key} (${cols ? `\n${cols}\n` : ''})`]
    if (t.comment !== null) sql.push(commentOn(`TABLE ${key}`, t.comment))
    for (const c of t.columns) if (c.comment !== null) sql.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
    out.push({ kind: 'table', action: 'add', name: key, detected: detectedLine('add', 'table', key), sql, phase: PHASE.createTable })
    const rls = rowSecuritySql(key, { rowSecurity: false, forceRowSecurity: false }, t)
    if (rls.length) out.push({ kind: 'row security', action: 'add', name: key, detected: '', sql: rls, phase: PHASE.rowSecurity })
  }
  const renameHint = added.length > 0
    ? [`if this is a rename of ${added.map(([k]) => k).join(' or ')}, replace DROP and CREATE by ALTER TABLE ... RENAME TO ...`]
    : undefined
  for (const [key, t] of removed) {
    // Foreign keys between tables dropped together would make the DROP order matter: drop them first.
    for (const c of Object.values(t.constraints)) {
      if (c.type === 'f' && c.refTable !== key && c.refTable !== null && ctx.droppedTables.has(c.refTable)) {
        out.push({ kind: 'constraint', action: 'remove', name: `${key}.${c.name}`, detected: '', sql: [`ALTER TABLE ${key} DROP CONSTRAINT ${c.name}`], phase: PHASE.dropForeignKey })
      }
    }
    out.push({ kind: 'table', action: 'remove', name: key, detected: detectedLine('remove', 'table', key), sql: [`DROP TABLE ${key}`], phase: PHASE.dropTable, destructive: true, notes: renameHint })
  }
  for (const [key, a, b] of both) {
    if (a.unlogged !== b.unlogged) {
      out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, b.unlogged ? 'unlogged' : 'logged'), sql: [`ALTER TABLE ${key} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}`], phase: PHASE.alterTable })
    }
    const rls = rowSecuritySql(key, a, b)
    if (rls.length) out.push({ kind: 'row security', action: 'change', name: key, detected: detectedLine('change', 'row security', key), sql: rls, phase: PHASE.rowSecurity })
    if (a.comment !== b.comment) {
      out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, 'comment'), sql: [commentOn(`TABLE ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
