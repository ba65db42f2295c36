/** Tables as wholes: create (columns, keys and checks inline, then their settings), drop, logged/unlogged, replica identity, row-level security, comment. */
import type { ConstraintInfo, TableInfo } from '../model.ts'
import { inlineConstraints } from './constraints.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { treeDepth as depth } from './inheritance.ts'
import { columnSettingsSql } from './columns.ts'
import { columnSpec, commentOn, pairs } from './sql-text.ts'

function rowSecuritySql(key: string, a: Pick<TableInfo, 'rowSecurity' | 'forceRowSecurity'>, b: TableInfo): string[] {
  const sql: string[] = []
  if (a.rowSecurity !== b.rowSecurity) sql.push(`ALTER TABLE ${key} ${b.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`)
  if (a.forceRowSecurity !== b.forceRowSecurity) sql.push(`ALTER TABLE ${key} ${b.forceRowSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY`)
  return sql
}

function createTable(key: string, t: TableInfo, constraints: ConstraintInfo[]): string {
  const partition = t.partitionKey ? ` PARTITION BY ${t.partitionKey}` : ''
  const options = t.options ? ` WITH (${t.options})` : ''
  const unlogged = t.unlogged ? 'UNLOGGED ' : ''
  if (t.partitionOf) return `CREATE ${unlogged}TABLE ${key} PARTITION OF ${t.partitionOf} ${t.partitionBound}${partition}${options}`
  const cols = [
    ...t.columns.filter((c) => c.inherited !== 'only').map((c) => `    ${columnSpec(key, c)}`),
    ...constraints.map((c) => `    CONSTRAINT ${c.name} ${c.definition}`),
  ].join(',\n')
  const inherits = t.inherits?.length ? ` INHERITS (${t.inherits.join(', ')})` : ''
  return `CREATE ${unlogged}TABLE ${key} (${cols ? `\n${cols}\n` : ''})${inherits}${partition}${options}`
}

/** Storage parameters: the SET and RESET that turn one reloptions text into another. */
function optionsSql(key: string, a: string | null, b: string | null): string[] {
  const parse = (o: string | null) => new Map((o ? o.split(', ') : []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv]))
  const [x, y] = [parse(a), parse(b)]
  const reset = [...x.keys()].filter((k) => !y.has(k))
  const set = [...y.entries()].filter(([k, v]) => x.get(k) !== v).map(([, v]) => v)
  const sql: string[] = []
  if (reset.length) sql.push(`ALTER TABLE ${key} RESET (${reset.join(', ')})`)
  if (set.length) sql.push(`ALTER TABLE ${key} SET (${set.join(', ')})`)
  return sql
}

export function diffTables(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.tables, ctx.to.tables)
  for (const [key, t] of added) {
    const inline = inlineConstraints(ctx, t)
    const sql = [createTable(key, t, inline)]
    if (t.comment !== null) sql.push(commentOn(`TABLE ${key}`, t.comment))
    for (const c of inline) if (c.comment !== null) sql.push(commentOn(`CONSTRAINT ${c.name} ON ${key}`, c.comment))
    if (!t.partitionOf) for (const c of t.columns) if (c.comment !== null && c.inherited !== 'only') sql.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
    out.push({ kind: 'table', action: 'add', name: key, detected: detectedLine('add', 'table', key), sql, phase: PHASE.createTable, order: depth(ctx.to.tables, key) })
    const rls = rowSecuritySql(key, { rowSecurity: false, forceRowSecurity: false }, t)
    if (rls.length) out.push({ kind: 'row security', action: 'add', name: key, detected: '', sql: rls, phase: PHASE.rowSecurity })
    // A partition's columns are its parent's (settings included); an inherited-only column is set on the child too.
    const settings = t.partitionOf ? [] : t.columns.flatMap((c) => columnSettingsSql(key, undefined, c))
    if (settings.length) out.push({ kind: 'column', action: 'add', name: key, detected: '', sql: settings, phase: PHASE.alterTable, order: depth(ctx.to.tables, key) })
    if (t.replicaIdentity) out.push({ kind: 'table', action: 'add', name: key, detected: '', sql: [`ALTER TABLE ${key} REPLICA IDENTITY ${t.replicaIdentity}`], phase: PHASE.rowSecurity })
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
    const parentGoes = t.partitionOf !== null && ctx.droppedTables.has(t.partitionOf)
    out.push({
      kind: 'table', action: 'remove', name: key, detected: detectedLine('remove', 'table', key),
      sql: parentGoes ? [] : [`DROP TABLE ${key}`], order: -depth(ctx.from.tables, key),
      // A view or sequence taking over the name must find it free: drop early (after its dependents).
      phase: ctx.to.views[key] || ctx.to.sequences[key] ? PHASE.dropDefault : PHASE.dropTable,
      destructive: !parentGoes, notes: parentGoes ? [`dropped with its parent ${t.partitionOf}`] : renameHint,
    })
  }
  for (const [key, a, b] of both) {
    if (a.partitionOf !== b.partitionOf || a.partitionBound !== b.partitionBound) {
      out.push({
        kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, 'partition bound'),
        sql: [`ALTER TABLE ${a.partitionOf} DETACH PARTITION ${key}`, `ALTER TABLE ${b.partitionOf} ATTACH PARTITION ${key} ${b.partitionBound}`], phase: PHASE.alterTable,
      })
    }
    if (a.unlogged !== b.unlogged) {
      out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, b.unlogged ? 'unlogged' : 'logged'), sql: [`ALTER TABLE ${key} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}`], phase: PHASE.alterTable })
    }
    const opts = optionsSql(key, a.options, b.options)
    if (opts.length) out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, 'storage parameters'), sql: opts, phase: PHASE.alterTable })
    // After the indexes (USING INDEX needs its index); a dropped index was dropped before.
    if ((a.replicaIdentity ?? null) !== (b.replicaIdentity ?? null)) {
      out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, 'replica identity'), sql: [`ALTER TABLE ${key} REPLICA IDENTITY ${b.replicaIdentity ?? 'DEFAULT'}`], phase: PHASE.rowSecurity })
    }
    const rls = rowSecuritySql(key, a, b)
    if (rls.length) out.push({ kind: 'row security', action: 'change', name: key, detected: detectedLine('change', 'row security', key), sql: rls, phase: PHASE.rowSecurity })
    if (a.comment !== b.comment) {
      out.push({ kind: 'table', action: 'change', name: key, detected: detectedLine('change', 'table', key, 'comment'), sql: [commentOn(`TABLE ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
