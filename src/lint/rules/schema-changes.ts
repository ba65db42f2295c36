/** Rules about ALTER TABLE on existing tables: constraints, columns, types, and changes that break the running application. */
import { blockedBy } from '../locks.ts'
import type { Effect, LintStatement, Rule, RuleHit } from '../lint-model.ts'
import { as, formatType, list, relationName, tableKey, typeRef } from '../nodes.ts'
import { defaultOf, volatileCall } from '../volatility.ts'

type F = Record<string, unknown>

/** Each ALTER TABLE subcommand with its effect on the (existing) table. */
function commands(s: LintStatement): { cmd: F; effect: Effect }[] {
  if (s.kind !== 'AlterTableStmt') return []
  const table = relationName(s.node.relation)
  const own = s.effects.filter((e) => e.table === table && e.what !== 'REFERENCES')
  const cmds = list(s.node.cmds).map((c) => as(c, 'AlterTableCmd')).filter((c): c is F => c !== undefined)
  if (own.length === 0) return []
  // effectsOf gives one effect per subcommand (FK subcommands add one on the referenced table, filtered above).
  return cmds.map((cmd, i) => ({ cmd, effect: own[i] ?? own[0]! }))
}

const AE = blockedBy('ACCESS EXCLUSIVE')

export const constraintNotValid: Rule = {
  id: 'constraint-not-valid',
  severity: 'error',
  sized: true,
  summary: 'ADD FOREIGN KEY / ADD CHECK without NOT VALID scans the whole table under a lock',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      const c = as(cmd.def, 'Constraint')
      if (cmd.subtype !== 'AT_AddConstraint' || !c || c.skip_validation === true || !['CONSTR_FOREIGN', 'CONSTR_CHECK'].includes(String(c.contype))) return []
      const fk = c.contype === 'CONSTR_FOREIGN'
      const name = typeof c.conname === 'string' ? c.conname : '<name>'
      return [{
        effect,
        message: `ADD ${fk ? 'FOREIGN KEY' : 'CHECK'} checks every row of "${effect.table}" while holding ${effect.lock}, which blocks ${blockedBy(effect.lock)} until the scan is done${fk ? ' (and the referenced table is locked too)' : ''}`,
        advice: `${s.text} NOT VALID;\n-- then, in a later migration (its own transaction): ALTER TABLE ${effect.table} VALIDATE CONSTRAINT ${name};  -- SHARE UPDATE EXCLUSIVE: reads and writes go on`,
      }]
    }),
}

export const validateSameTransaction: Rule = {
  id: 'validate-same-transaction',
  severity: 'error',
  sized: false,
  summary: 'VALIDATE CONSTRAINT in the same transaction as its ADD ... NOT VALID keeps the strong lock through the scan',
  check: (s, ctx) =>
    commands(s).flatMap(({ cmd, effect }) => {
      if (cmd.subtype !== 'AT_ValidateConstraint') return []
      const added = ctx.notValid.get(String(cmd.name))
      if (!added || added.transaction !== s.transaction || !s.inTransaction) return []
      return [{
        effect,
        message: `VALIDATE CONSTRAINT ${String(cmd.name)} runs in the transaction that added it NOT VALID: the ADD's lock is still held, so the scan blocks as if NOT VALID was not there`,
        advice: `-- move this statement to a later migration:\n${s.text};`,
      }]
    }),
}

export const setNotNull: Rule = {
  id: 'set-not-null',
  severity: 'error',
  sized: true,
  summary: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) proves it (PostgreSQL 12+)',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      if (cmd.subtype !== 'AT_SetNotNull' || !effect.scan) return []
      const col = String(cmd.name)
      const t = effect.table
      return [{
        effect,
        message: `SET NOT NULL on "${t}"."${col}" reads every row under ACCESS EXCLUSIVE, which blocks ${AE} until the scan is done`,
        advice: `ALTER TABLE ${t} ADD CONSTRAINT ${tableKey(t)}_${col}_not_null CHECK (${col} IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE ${t} VALIDATE CONSTRAINT ${tableKey(t)}_${col}_not_null;\n-- next migration (no scan: the CHECK proves it):\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${tableKey(t)}_${col}_not_null;`,
      }]
    }),
}

export const addColumnVolatileDefault: Rule = {
  id: 'add-column-volatile-default',
  severity: 'error',
  sized: true,
  summary: 'ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp()...) rewrites the table; a constant default does not (PostgreSQL 11+)',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      const def = as(cmd.def, 'ColumnDef')
      if (cmd.subtype !== 'AT_AddColumn' || !def) return []
      const d = defaultOf(def)
      const fn = d === undefined ? undefined : volatileCall(d)
      if (!fn) return []
      const col = String(def.colname)
      const type = typeRef(def.typeName)
      return [{
        effect,
        message: `DEFAULT calls ${fn === 'a subquery' ? fn : `${fn}()`}, which is volatile (or not known to sqlmig as stable): PostgreSQL computes it for every row and rewrites "${effect.table}" under ACCESS EXCLUSIVE, which blocks ${AE} until the copy is done`,
        advice: `ALTER TABLE ${effect.table} ADD COLUMN ${col} ${type ? formatType(type) : '<type>'};\nALTER TABLE ${effect.table} ALTER COLUMN ${col} SET DEFAULT ${fn === 'a subquery' ? '<expression>' : `${fn}()`};  -- new rows only\n-- then backfill existing rows in batches, in later migrations or a job: UPDATE ${effect.table} SET ${col} = ... WHERE <key range>;`,
      }]
    }),
}

export const alterColumnType: Rule = {
  id: 'alter-column-type',
  severity: 'error',
  sized: true,
  summary: 'ALTER COLUMN TYPE rewrites the table and its indexes unless the change is binary-coercible (varchar(n) → varchar(m ≥ n) or text, numeric precision up, cidr → inet...)',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      if (cmd.subtype !== 'AT_AlterColumnType' || !effect.rewrite) return []
      const col = String(cmd.name)
      return [{
        effect,
        message: `ALTER COLUMN ${col} TYPE rewrites "${effect.table}" and rebuilds its indexes under ACCESS EXCLUSIVE${effect.rewriteNote ? ` (${effect.rewriteNote})` : ''}, which blocks ${AE} until the copy is done`,
        advice: `-- expand/contract: ALTER TABLE ${effect.table} ADD COLUMN ${col}_new <new type>;  -- then keep both in step with a trigger,\n-- backfill ${col}_new in batches, switch the application to it, and drop ${col} in a later migration`,
      }]
    }),
}

export const uniqueWithoutIndex: Rule = {
  id: 'unique-without-index',
  severity: 'error',
  sized: true,
  summary: 'ADD PRIMARY KEY / UNIQUE builds its index under ACCESS EXCLUSIVE unless it is USING INDEX of one built CONCURRENTLY',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      const c = as(cmd.def, 'Constraint')
      if (cmd.subtype !== 'AT_AddConstraint' || !c || !['CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(String(c.contype)) || c.indexname !== undefined) return []
      const cols = list(c.keys).map((k) => String(as(k, 'String')?.sval)).join(', ')
      const kind = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'
      const idx = `${tableKey(effect.table)}_${list(c.keys).map((k) => String(as(k, 'String')?.sval)).join('_')}_${kind === 'UNIQUE' ? 'key' : 'pkey'}`
      return [{
        effect,
        message: `ADD ${kind} builds a unique index on "${effect.table}" while holding ACCESS EXCLUSIVE, which blocks ${AE} until the build is done`,
        advice: `CREATE UNIQUE INDEX CONCURRENTLY ${idx} ON ${effect.table} (${cols});  -- own migration, "-- transaction: false"\nALTER TABLE ${effect.table} ADD CONSTRAINT ${typeof c.conname === 'string' ? c.conname : idx} ${kind} USING INDEX ${idx};`,
      }]
    }),
}

export const addColumnGenerated: Rule = {
  id: 'add-column-generated',
  severity: 'error',
  sized: true,
  summary: 'ADD COLUMN ... GENERATED ALWAYS AS (...) STORED, an identity or a serial column rewrites an existing table',
  check: (s) =>
    commands(s).flatMap(({ cmd, effect }) => {
      const def = as(cmd.def, 'ColumnDef')
      if (cmd.subtype !== 'AT_AddColumn' || !def || !effect.rewrite) return []
      const cons = list(def.constraints).map((c) => as(c, 'Constraint')?.contype)
      const type = typeRef(def.typeName)
      const what = cons.includes('CONSTR_GENERATED') ? 'a stored generated column' : cons.includes('CONSTR_IDENTITY') ? 'an identity column' : type && /serial/.test(type.name) ? 'a serial column' : undefined
      if (!what) return []
      return [{
        effect,
        message: `Adding ${what} computes a value for every existing row: "${effect.table}" is rewritten under ACCESS EXCLUSIVE, which blocks ${AE} until the copy is done`,
        advice: `-- add a plain nullable column, fill it in batches (UPDATE ... WHERE <key range>), then a trigger or DEFAULT for new rows;\n-- PostgreSQL 18: GENERATED ALWAYS AS (...) VIRTUAL adds no data`,
      }]
    }),
}

export const rename: Rule = {
  id: 'rename',
  severity: 'error',
  sized: false,
  summary: 'RENAME of a table or column breaks the application that runs while (and after) the migration deploys',
  check: (s) => {
    if (s.kind !== 'RenameStmt' || !['OBJECT_TABLE', 'OBJECT_COLUMN'].includes(String(s.node.renameType))) return []
    const e = s.effects[0]
    if (!e) return []
    const column = s.node.renameType === 'OBJECT_COLUMN'
    return [{
      effect: e,
      message: `${column ? `Renaming column "${String(s.node.subname)}"` : `Renaming table "${e.table}"`} breaks every query of the running application that uses the old name`,
      advice: column
        ? `-- expand/contract: ADD COLUMN ${String(s.node.newname)}, write both, backfill, read the new one, then drop "${String(s.node.subname)}" in a later release`
        : `ALTER TABLE ${e.table} RENAME TO ${String(s.node.newname)};\nCREATE VIEW ${e.table} AS SELECT * FROM ${String(s.node.newname)};  -- the old name keeps working until the application is deployed; drop the view later`,
    }]
  },
}

export const drop: Rule = {
  id: 'drop',
  severity: 'warning',
  sized: false,
  summary: 'DROP COLUMN / DROP TABLE breaks the application still using it: remove its use first (expand/contract)',
  check: (s) => {
    if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_TABLE') {
      return s.effects.map((e) => ({ effect: e, message: `DROP TABLE "${e.table}" breaks a running application that still reads or writes it, and its data is gone`, advice: '-- deploy the application without the table first; drop it in a later migration (and keep a backup: sqlmig backup)' }))
    }
    return commands(s).flatMap(({ cmd, effect }): RuleHit[] =>
      cmd.subtype === 'AT_DropColumn'
        ? [{ effect, message: `DROP COLUMN "${String(cmd.name)}" breaks a running application that still selects or inserts it`, advice: `-- deploy the application without "${String(cmd.name)}" first, then drop it in a later migration` }]
        : []
    )
  },
}

