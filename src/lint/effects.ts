/**
 * What PostgreSQL does to tables when it runs a statement: the lock it takes on each, whether it
 * rewrites it (new relfilenode) or reads it in full. Read from the parse tree, following
 * AlterTableGetLockLevel() and ATColumnChangeRequiresRewrite() of src/backend/commands/tablecmds.c
 * and the "Explicit Locking" table of the docs; test/lint/ measures every claim on a server.
 */
import type { LockMode } from './locks.ts'
import { LOCK_MODES } from './locks.ts'
import type { Effect, LintContext } from './lint-model.ts'
import { as, hasOption, list, relationName, tableKey, typeRef } from './nodes.ts'
import type { ParsedStatement } from './parser.ts'
import { typeChange } from './type-change.ts'
import { defaultOf, volatileCall } from './volatility.ts'

type F = Record<string, unknown>

const effect = (table: string, lock: LockMode, what: string, extra: Partial<Effect> = {}): Effect => ({ table, lock, rewrite: false, scan: false, what, ...extra })

/** The effects of one statement (tables created by it are not listed). */
export function effectsOf(s: ParsedStatement, ctx: LintContext): Effect[] {
  const n = s.node
  switch (s.kind) {
    case 'IndexStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', n.concurrent ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX', { scan: true })] : []
    }
    case 'DropStmt':
      return dropEffects(n, ctx)
    case 'ReindexStmt': {
      const t = relationName(n.relation)
      if (!t) return []
      const concurrent = hasOption(n.params, 'concurrently')
      const table = n.kind === 'REINDEX_OBJECT_INDEX' ? ctx.indexTables.get(tableKey(t)) ?? `index ${t}` : t
      return [effect(table, concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', concurrent ? 'REINDEX CONCURRENTLY' : 'REINDEX', { scan: true })]
    }
    case 'AlterTableStmt':
      return n.objtype === 'OBJECT_TABLE' ? alterTableEffects(n, ctx) : []
    case 'RenameStmt': {
      const t = relationName(n.relation)
      if (!t) return []
      if (n.renameType === 'OBJECT_TABLE') return [effect(t, 'ACCESS EXCLUSIVE', 'RENAME TO')]
      if (n.renameType === 'OBJECT_COLUMN') return [effect(t, 'ACCESS EXCLUSIVE', `RENAME COLUMN ${String(n.subname)}`)]
      if (n.renameType === 'OBJECT_TABCONSTRAINT') return [effect(t, 'ACCESS EXCLUSIVE', 'RENAME CONSTRAINT')]
      return []
    }
    case 'VacuumStmt': {
      const full = hasOption(n.options, 'full')
      const rels = list(n.rels).map((r) => relationName(as(r, 'VacuumRelation')?.relation)).filter((x): x is string => x !== undefined)
      const what = n.is_vacuumcmd ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE'
      return rels.map((t) => effect(t, full && n.is_vacuumcmd ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE', what, { rewrite: full && n.is_vacuumcmd === true, scan: true }))
    }
    case 'ClusterStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, 'ACCESS EXCLUSIVE', 'CLUSTER', { rewrite: true, scan: true })] : []
    }
    case 'LockStmt': {
      const mode = LOCK_MODES[Number(n.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE'
      return list(n.relations).map((r) => relationName(as(r, 'RangeVar'))).filter((x): x is string => x !== undefined).map((t) => effect(t, mode, `LOCK TABLE IN ${mode} MODE`))
    }
    case 'TruncateStmt':
      return list(n.relations).map((r) => relationName(as(r, 'RangeVar'))).filter((x): x is string => x !== undefined).map((t) => effect(t, 'ACCESS EXCLUSIVE', 'TRUNCATE', { empties: true }))
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, 'ROW EXCLUSIVE', s.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE', { scan: n.whereClause === undefined })] : []
    }
    case 'InsertStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, 'ROW EXCLUSIVE', 'INSERT')] : []
    }
    case 'CreateTrigStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, 'SHARE ROW EXCLUSIVE', 'CREATE TRIGGER')] : []
    }
    case 'CreateStmt':
      // A new table; its foreign keys lock the tables they reference.
      return list(n.tableElts).flatMap((e) => {
        const col = as(e, 'ColumnDef')
        const cons = col ? list(col.constraints).map((c) => as(c, 'Constraint')) : [as(e, 'Constraint')]
        return cons.filter((c) => c?.contype === 'CONSTR_FOREIGN').map((c) => effect(relationName(c!.pktable) ?? '?', 'SHARE ROW EXCLUSIVE', 'REFERENCES'))
      })
    case 'CommentStmt': {
      // COMMENT ON TABLE t / COLUMN t.c: SHARE UPDATE EXCLUSIVE on the table.
      const parts = list(as(n.object, 'List')?.items).map((x) => String(as(x, 'String')?.sval ?? ''))
      const table = n.objtype === 'OBJECT_TABLE' ? parts.join('.') : n.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1).join('.') : undefined
      return table ? [effect(table, 'SHARE UPDATE EXCLUSIVE', 'COMMENT ON')] : []
    }
    case 'RefreshMatViewStmt': {
      const t = relationName(n.relation)
      return t ? [effect(t, n.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE', 'REFRESH MATERIALIZED VIEW', { rewrite: !n.concurrent, scan: true })] : []
    }
    default:
      return []
  }
}

function dropEffects(n: F, ctx: LintContext): Effect[] {
  const objects = list(n.objects).map((o) => list(as(o, 'List')?.items).map((x) => String(as(x, 'String')?.sval ?? '')).join('.'))
  if (n.removeType === 'OBJECT_INDEX') {
    return objects.map((name) => effect(ctx.indexTables.get(tableKey(name)) ?? `index ${name}`, n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', n.concurrent ? 'DROP INDEX CONCURRENTLY' : 'DROP INDEX'))
  }
  if (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_MATVIEW') return objects.map((t) => effect(t, 'ACCESS EXCLUSIVE', n.removeType === 'OBJECT_TABLE' ? 'DROP TABLE' : 'DROP MATERIALIZED VIEW'))
  if (n.removeType === 'OBJECT_TRIGGER') {
    // DROP TRIGGER name ON table: the table is the object's first names.
    return objects.map((o) => effect(o.split('.').slice(0, -1).join('.'), 'ACCESS EXCLUSIVE', 'DROP TRIGGER'))
  }
  return []
}

function alterTableEffects(n: F, ctx: LintContext): Effect[] {
  const table = relationName(n.relation)
  if (!table) return []
  const out: Effect[] = []
  for (const c of list(n.cmds)) {
    const cmd = as(c, 'AlterTableCmd')
    if (cmd) out.push(...commandEffects(table, cmd, ctx))
  }
  return out
}

/** The ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL's default for the rest). */
const WEAKER: Record<string, LockMode> = {
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
}

const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'])

function commandEffects(table: string, cmd: F, ctx: LintContext): Effect[] {
  const sub = String(cmd.subtype)
  const column = typeof cmd.name === 'string' ? cmd.name : undefined
  const ae = (what: string, extra: Partial<Effect> = {}) => [effect(table, 'ACCESS EXCLUSIVE', what, extra)]
  switch (sub) {
    case 'AT_AddColumn': {
      const def = as(cmd.def, 'ColumnDef') ?? {}
      const name = String(def.colname)
      const cons = list(def.constraints).map((c) => as(c, 'Constraint')).filter((c): c is F => c !== undefined)
      const type = typeRef(def.typeName)
      const dflt = defaultOf(def)
      const volatile = dflt === undefined ? undefined : volatileCall(dflt)
      const stored = cons.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind === 's')
      const identity = cons.some((c) => c.contype === 'CONSTR_IDENTITY')
      const serial = type !== undefined && SERIAL.has(type.name)
      const rewrite = volatile !== undefined || stored || identity || serial
      const scan = cons.some((c) => ['CONSTR_CHECK', 'CONSTR_FOREIGN', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(String(c.contype)))
      const out = ae(`ADD COLUMN ${name}`, { rewrite, scan })
      for (const c of cons.filter((k) => k.contype === 'CONSTR_FOREIGN')) out.push(effect(relationName(c.pktable) ?? '?', 'SHARE ROW EXCLUSIVE', 'REFERENCES'))
      return out
    }
    case 'AT_AlterColumnType': {
      const def = as(cmd.def, 'ColumnDef') ?? {}
      const to = typeRef(def.typeName)
      const using = def.raw_default
      const from = ctx.columnTypes.get(`${tableKey(table)}.${column}`)
      const plainUsing = using === undefined || isColumn(using, column)
      const change = to && plainUsing ? typeChange(from, to, ctx.utc) : { rewrite: true as const, note: using !== undefined ? 'the USING expression is computed for every row' : undefined }
      return ae(`ALTER COLUMN ${column} TYPE`, { rewrite: change.rewrite, scan: change.rewrite, ...(change.rewrite && change.note ? { rewriteNote: change.note } : {}) })
    }
    case 'AT_SetNotNull': {
      const proved = ctx.notNullChecks.has(`${tableKey(table)}.${column}`)
      return ae(`ALTER COLUMN ${column} SET NOT NULL`, { scan: !proved })
    }
    case 'AT_AddConstraint':
      return constraintEffects(table, as(cmd.def, 'Constraint') ?? {})
    case 'AT_ValidateConstraint':
      return [effect(table, 'SHARE UPDATE EXCLUSIVE', `VALIDATE CONSTRAINT ${column}`, { scan: true })]
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return ae(sub === 'AT_SetLogged' ? 'SET LOGGED' : 'SET UNLOGGED', { rewrite: true, scan: true })
    case 'AT_SetTableSpace':
      return ae('SET TABLESPACE', { rewrite: true, scan: true })
    case 'AT_SetAccessMethod':
      return ae('SET ACCESS METHOD', { rewrite: true, scan: true })
    case 'AT_DetachPartition':
      return [effect(table, (as(cmd.def, 'PartitionCmd') ?? {}).concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', 'DETACH PARTITION')]
    default: {
      const what = sub.replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
      return [effect(table, WEAKER[sub] ?? 'ACCESS EXCLUSIVE', column ? `${what} ${column}` : what)]
    }
  }
}

function constraintEffects(table: string, c: F): Effect[] {
  const validated = c.skip_validation !== true
  const ae = (what: string, extra: Partial<Effect> = {}) => [effect(table, 'ACCESS EXCLUSIVE', what, extra)]
  switch (c.contype) {
    case 'CONSTR_FOREIGN':
      return [effect(table, 'SHARE ROW EXCLUSIVE', 'ADD FOREIGN KEY', { scan: validated }), effect(relationName(c.pktable) ?? '?', 'SHARE ROW EXCLUSIVE', 'REFERENCES')]
    case 'CONSTR_CHECK':
      return ae('ADD CHECK', { scan: validated })
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
      return ae(c.contype === 'CONSTR_PRIMARY' ? 'ADD PRIMARY KEY' : 'ADD UNIQUE', { scan: c.indexname === undefined })
    default:
      return ae('ADD CONSTRAINT', { scan: validated })
  }
}

/** `USING col` or `USING col::type`: the column itself, cast. */
function isColumn(expr: unknown, column: string | undefined): boolean {
  const cast = as(expr, 'TypeCast')
  const ref = as(cast ? cast.arg : expr, 'ColumnRef')
  const fields = list(ref?.fields).map((f) => as(f, 'String')?.sval)
  return ref !== undefined && fields.length === 1 && fields[0] === column
}
