/**
 * The lint's memory of a run: after each statement, what it created (tables, indexes, columns
 * and their types), the constraints it added NOT VALID or validated, the settings it made. The
 * rules read it through LintContext; transaction boundaries reset its per-transaction part.
 */
import type { LintContext } from './lint-model.ts'
import { as, list, names, relationName, tableKey, typeRef } from './nodes.ts'
import type { ParsedStatement } from './parser.ts'

export function newContext(lockTimeout: boolean): LintContext {
  return {
    createdTables: new Set(),
    indexTables: new Map(),
    createdIndexes: new Set(),
    columnTypes: new Map(),
    notValid: new Map(),
    notNullChecks: new Set(),
    notNullCheckNames: new Map(),
    enumValues: [],
    lockTimeout,
    sessionLockTimeout: lockTimeout,
    utc: false,
    exclusiveTables: new Set(),
    ddlInTransaction: undefined,
    backfillInTransaction: undefined,
  }
}

/** Starts a new transaction: forgets its locks, DDL and backfills. */
export function endTransaction(ctx: LintContext): void {
  ctx.lockTimeout = ctx.sessionLockTimeout
  ctx.exclusiveTables.clear()
  ctx.ddlInTransaction = undefined
  ctx.backfillInTransaction = undefined
}

type F = Record<string, unknown>

/** The column a CHECK (col IS NOT NULL) is about. */
function notNullColumn(expr: unknown): string | undefined {
  const t = as(expr, 'NullTest')
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined
  const f = names(as(t.arg, 'ColumnRef')?.fields)
  return f.length === 1 ? f[0] : undefined
}

/**
 * Records what `s` created or changed; `created`: whether new tables count as new (false for the
 * statements of the schema the run starts from).
 */
export function record(s: ParsedStatement, ctx: LintContext, transaction: number, created = true): void {
  const n = s.node
  switch (s.kind) {
    case 'CreateStmt': {
      const t = tableKey(relationName(n.relation) ?? '')
      if (created) ctx.createdTables.add(t)
      for (const e of list(n.tableElts)) {
        const col = as(e, 'ColumnDef')
        const type = col && typeRef(col.typeName)
        if (col && type) ctx.columnTypes.set(`${t}.${String(col.colname)}`, type)
      }
      break
    }
    case 'CreateTableAsStmt': {
      const t = relationName((as(n.into, 'IntoClause') ?? (n.into as F | undefined))?.rel)
      if (t && created) ctx.createdTables.add(tableKey(t))
      break
    }
    case 'IndexStmt': {
      const t = relationName(n.relation)
      if (typeof n.idxname === 'string' && t) {
        ctx.indexTables.set(n.idxname, t)
        if (created) ctx.createdIndexes.add(n.idxname)
      }
      break
    }
    case 'AlterTableStmt': {
      const table = relationName(n.relation)
      if (!table) break
      const t = tableKey(table)
      for (const c of list(n.cmds)) {
        const cmd = as(c, 'AlterTableCmd')
        if (!cmd) continue
        const def = as(cmd.def, 'ColumnDef')
        if (cmd.subtype === 'AT_AddColumn' && def) {
          const type = typeRef(def.typeName)
          if (type) ctx.columnTypes.set(`${t}.${String(def.colname)}`, type)
        } else if (cmd.subtype === 'AT_AlterColumnType' && def) {
          const type = typeRef(def.typeName)
          if (type) ctx.columnTypes.set(`${t}.${String(cmd.name)}`, type)
        } else if (cmd.subtype === 'AT_AddConstraint') {
          const k = as(cmd.def, 'Constraint') ?? {}
          const name = typeof k.conname === 'string' ? k.conname : undefined
          const col = k.contype === 'CONSTR_CHECK' ? notNullColumn(k.raw_expr) : undefined
          if (k.skip_validation === true && name) ctx.notValid.set(name, { table: t, transaction })
          if (col && k.skip_validation !== true) ctx.notNullChecks.add(`${t}.${col}`)
          if (col && name) ctx.notNullCheckNames.set(name, `${t}.${col}`)
        } else if (cmd.subtype === 'AT_ValidateConstraint' && typeof cmd.name === 'string') {
          const col = ctx.notNullCheckNames.get(cmd.name)
          if (col) ctx.notNullChecks.add(col)
        }
      }
      break
    }
    case 'RenameStmt': {
      const t = tableKey(relationName(n.relation) ?? '')
      if (n.renameType === 'OBJECT_TABLE' && ctx.createdTables.has(t)) ctx.createdTables.add(String(n.newname))
      break
    }
    case 'AlterEnumStmt':
      if (typeof n.newVal === 'string' && n.oldVal === undefined) ctx.enumValues.push({ type: names(n.typeName).join('.'), value: n.newVal, transaction })
      break
    case 'VariableSetStmt': {
      const name = String(n.name ?? '').toLowerCase()
      const arg = as(list(n.args)[0], 'A_Const')
      const value = arg ? String((arg.sval as F | undefined)?.sval ?? (arg.ival as F | undefined)?.ival ?? 0) : ''
      if (name === 'lock_timeout') {
        ctx.lockTimeout = n.kind === 'VAR_SET_VALUE' && !/^0\s*(ms|s|min)?$/i.test(value)
        if (n.is_local !== true) ctx.sessionLockTimeout = ctx.lockTimeout
      }
      if (name === 'timezone') ctx.utc = n.kind === 'VAR_SET_VALUE' && /^(utc|gmt|etc\/utc|z|zulu|0)$/i.test(value)
      break
    }
  }
}
