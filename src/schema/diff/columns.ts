/**
 * Columns of tables present on both sides. A change is split in two steps inside its phase:
 * order 0 drops the old default, changes the type (USING a cast), drops identity and sets
 * nullability; order 2 adds identity and sets the new default. Sequences that trade names with
 * an identity sequence are created or dropped at order 1, in between. Column order is not a
 * schema difference: new columns are appended with ADD COLUMN, existing ones stay where they are.
 */
import type { ColumnInfo, SchemaModel } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { columnNeedsRecreate, functionCallText, mentions, type DiffContext } from './context.ts'
import { treeDepth } from './inheritance.ts'
import { columnSpec, commentOn, identityClause } from './sql-text.ts'

const WIDENING: Record<string, string[]> = {
  smallint: ['integer', 'bigint', 'numeric', 'real', 'double precision', 'text'],
  integer: ['bigint', 'numeric', 'double precision', 'text'],
  bigint: ['numeric', 'text'],
  real: ['double precision', 'text'],
  'character varying': ['text'],
  character: ['text', 'character varying'],
  date: ['timestamp without time zone', 'timestamp with time zone', 'text'],
  'timestamp without time zone': ['timestamp with time zone', 'text'],
  uuid: ['text'],
  boolean: ['text'],
}

/** True when every value of type `a` fits in type `b` unchanged (so the change cannot lose data). */
export function isWidening(a: string, b: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)$/, '')
  const mods = (t: string) => (/\((.*)\)$/.exec(t)?.[1] ?? '').split(',').filter(Boolean).map(Number)
  if (base(a) === base(b)) {
    const [ma, mb] = [mods(a), mods(b)]
    if (mb.length === 0) return true
    if (ma.length === 0) return false
    if (base(a) === 'numeric') return mb[0]! - (mb[1] ?? 0) >= ma[0]! - (ma[1] ?? 0) && (mb[1] ?? 0) >= (ma[1] ?? 0)
    return mb[0]! >= ma[0]!
  }
  return WIDENING[base(a)]?.includes(b) === true || (WIDENING[base(a)]?.includes(base(b)) === true && mods(b).length === 0)
}

function identitySql(table: string, a: ColumnInfo, b: ColumnInfo): string[] {
  const col = `ALTER TABLE ${table} ALTER COLUMN ${b.name}`
  const ia = a.identity
  const ib = b.identity
  if (!ib) return []
  if (!ia) return [`${col} ADD ${identityClause(table, b)}`]
  const sets: string[] = []
  if (ia.kind !== ib.kind) sets.push(`SET GENERATED ${ib.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'}`)
  if (ia.increment !== ib.increment) sets.push(`SET INCREMENT BY ${ib.increment}`)
  if (ia.min !== ib.min) sets.push(`SET MINVALUE ${ib.min}`)
  if (ia.max !== ib.max) sets.push(`SET MAXVALUE ${ib.max}`)
  if (ia.start !== ib.start) sets.push(`SET START WITH ${ib.start}`)
  if (ia.cache !== ib.cache) sets.push(`SET CACHE ${ib.cache}`)
  if (ia.cycle !== ib.cycle) sets.push(ib.cycle ? 'SET CYCLE' : 'SET NO CYCLE')
  return sets.length ? [`${col} ${sets.join(' ')}`] : []
}

/** True when `type` (or its element type) is an enum or a domain over one in `model`. */
function isEnumBased(model: SchemaModel, type: string, seen = 0): boolean {
  const t = type.replace(/(\[\])+$/, '')
  if (model.enums[t]) return true
  const d = model.domains[t]
  return d !== undefined && seen < 10 && isEnumBased(model, d.type, seen + 1)
}

/**
 * The USING expression of a type change. No cast exists between two enum types (42846), nor
 * from an enum to most types: a conversion from or to an enum (a domain over one, an array of
 * either), and a rebuilt enum, goes through text.
 */
function castTo(ctx: DiffContext, a: ColumnInfo, b: ColumnInfo): string {
  const rebuilt = [...ctx.rebuiltEnums].some((e) => mentions(b.type, e))
  const viaText = a.type !== b.type && (isEnumBased(ctx.from, a.type) || isEnumBased(ctx.to, b.type)) && ![a.type, b.type].some((t) => t === 'text' || t === 'text[]')
  if (rebuilt || viaText) return `${a.name}::text${b.type.endsWith('[]') && (rebuilt || a.type.endsWith('[]')) ? '[]' : ''}::${b.type}`
  return a.type === b.type ? a.name : `${a.name}::${b.type}`
}

/**
 * Re-creates a column whose generated expression changes (or that becomes, or stops being,
 * generated): nothing to copy, so drop it (an old generated column was dropped early, as it may
 * block a type change) and add it again at the end of the table. Never used to reach a column
 * order: column order is not a schema difference.
 */
function recreateColumn(ctx: DiffContext, key: string, a: ColumnInfo, b: ColumnInfo): string[] {
  const owner = `${key}.${a.name}`
  const owned = Object.entries(ctx.from.sequences).filter(([k, s]) => s.ownedBy === owner && ctx.to.sequences[k]).map(([k]) => k)
  const sql = owned.map((k) => `ALTER SEQUENCE ${k} OWNED BY NONE`)
  if (a.generated === null) sql.push(`ALTER TABLE ${key} DROP COLUMN ${a.name}`)
  sql.push(`ALTER TABLE ${key} ADD COLUMN ${columnSpec(key, b)}`)
  for (const [k, s] of Object.entries(ctx.to.sequences)) if (s.ownedBy === `${key}.${b.name}`) sql.push(`ALTER SEQUENCE ${k} OWNED BY ${key}.${b.name}`)
  if (b.comment !== null) sql.push(commentOn(`COLUMN ${key}.${b.name}`, b.comment))
  return sql
}

/** Attribute options ("key=value" lists): the RESET and SET that turn one into another. */
function optionsSql(col: string, a: string[] | undefined, b: string[] | undefined): string[] {
  const parse = (o: string[] | undefined) => new Map((o ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv]))
  const [x, y] = [parse(a), parse(b)]
  const reset = [...x.keys()].filter((k) => !y.has(k))
  const set = [...y.entries()].filter(([k, v]) => x.get(k) !== v).map(([, v]) => v)
  const sql: string[] = []
  if (reset.length) sql.push(`${col} RESET (${reset.join(', ')})`)
  if (set.length) sql.push(`${col} SET (${set.join(', ')})`)
  return sql
}

/**
 * The ALTERs that take a column's own settings (statistics target, attribute options, storage,
 * compression) from `a` to `b`; `a` undefined for a column just created (all defaults). A type
 * change puts the storage back to the new type's default, so it counts as no storage set.
 */
export function columnSettingsSql(key: string, a: ColumnInfo | undefined, b: ColumnInfo, typeChanged = false): string[] {
  const col = `ALTER TABLE ${key} ALTER COLUMN ${b.name}`
  const sql: string[] = []
  if ((a?.statistics ?? null) !== (b.statistics ?? null)) sql.push(`${col} SET STATISTICS ${b.statistics ?? -1}`)
  sql.push(...optionsSql(col, a?.options, b.options))
  const storage = typeChanged ? undefined : a?.storage
  if (storage !== b.storage) {
    const to = b.storage ?? a?.typeStorage
    if (to) sql.push(`${col} SET STORAGE ${to}`)
  }
  if ((a?.compression ?? null) !== (b.compression ?? null)) sql.push(`${col} SET COMPRESSION ${b.compression ?? 'DEFAULT'}`)
  return sql
}

/** Names of the settings that differ between two columns, for the "detected" line. */
function settingsChanged(a: ColumnInfo, b: ColumnInfo): string[] {
  const differs = (k: 'statistics' | 'options' | 'storage' | 'compression') => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)
  return (['statistics', 'options', 'storage', 'compression'] as const).filter(differs).map((k) => (k === 'statistics' ? 'statistics target' : k === 'options' ? 'attribute options' : k))
}

export function diffColumns(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const recreatedCalls = Object.entries(ctx.from.functions)
    .filter(([k]) => ctx.recreatedFunctions.has(k) || !ctx.to.functions[k])
    .map(([, f]) => functionCallText(f))
  for (const [key, a] of Object.entries(ctx.from.tables)) {
    const b = ctx.to.tables[key]
    // A partition's columns are its parent's: changes to the parent reach it.
    if (!b || a.partitionOf || b.partitionOf) continue
    const tail = ctx.columnTails.get(key) ?? []
    const added = b.columns.filter((c) => !a.columns.some((d) => d.name === c.name))
    const removed = a.columns.filter((c) => !b.columns.some((d) => d.name === c.name))
    for (const c of added) {
      const sql = [`ALTER TABLE ${key} ADD COLUMN ${columnSpec(key, c)}`]
      if (c.comment !== null) sql.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
      // Children first: a parent's ADD COLUMN then merges into the child's own column of that
      // name (which stays local); added the other way round, the child's ADD finds it there.
      // A generated column is added after the columns it reads change type (order 0), as a
      // re-created one is (order 3): its expression is checked against their new types.
      const [phase, order] = c.generated !== null ? [PHASE.alterColumn, 4 - treeDepth(ctx.to.tables, key) / 100] : [PHASE.addColumn, -treeDepth(ctx.to.tables, key)]
      out.push({ kind: 'column', action: 'add', name: `${key}.${c.name}`, detected: detectedLine('add', 'column', `${key}.${c.name}`), sql, phase, order })
      const settings = columnSettingsSql(key, undefined, c)
      if (settings.length) out.push({ kind: 'column', action: 'add', name: `${key}.${c.name}`, detected: '', sql: settings, phase: PHASE.alterTable, order: treeDepth(ctx.to.tables, key) })
    }
    for (const name of tail) {
      const cb = b.columns.find((c) => c.name === name)!
      const ca = a.columns.find((c) => c.name === name)!
      const full = `${key}.${name}`
      if (ca.generated !== null) {
        out.push({ kind: 'column', action: 'change', name: full, detected: '', sql: [`ALTER TABLE ${key} DROP COLUMN ${ca.name}`], phase: PHASE.alterColumn, order: -1 })
      }
      out.push({
        kind: 'column', action: 'change', name: full, detected: detectedLine('change', 'column', full, columnNeedsRecreate(ca, cb) ? 'generated expression' : 'generated column re-created: a column it reads changes type'), sql: recreateColumn(ctx, key, ca, cb),
        phase: PHASE.alterColumn, order: 3, destructive: ca.type !== cb.type && !isWidening(ca.type, cb.type),
        notes: ['the column is dropped and added again (at the end of the table): this rewrites the table'],
      })
      const settings = columnSettingsSql(key, undefined, cb)
      if (settings.length) out.push({ kind: 'column', action: 'change', name: full, detected: '', sql: settings, phase: PHASE.alterTable, order: treeDepth(ctx.to.tables, key) })
    }
    const hint = added.length ? [`if this is a rename of ${added.map((c) => c.name).join(' or ')}, use ALTER TABLE ... RENAME COLUMN instead`] : undefined
    // Parents first: a child's column that was also its own (attislocal) is then left local and
    // can be dropped; an inherited one cannot ("cannot drop inherited column").
    // A generated column goes first, before the columns it reads are dropped or change type
    // ("cannot drop column ... because other objects depend on it", "cannot alter type of a
    // column used by a generated column").
    for (const c of removed) {
      const [phase, order] = c.generated !== null ? [PHASE.alterColumn, treeDepth(ctx.from.tables, key) - 10] : [PHASE.dropColumn, treeDepth(ctx.from.tables, key)]
      out.push({ kind: 'column', action: 'remove', name: `${key}.${c.name}`, detected: detectedLine('remove', 'column', `${key}.${c.name}`), sql: [`ALTER TABLE ${key} DROP COLUMN ${c.name}`], phase, order, destructive: true, notes: hint })
    }
    for (const ca of a.columns) {
      const cb = b.columns.find((c) => c.name === ca.name)
      if (!cb || tail.includes(cb.name)) continue
      out.push(...alterColumn(ctx, key, ca, cb, recreatedCalls))
    }
  }
  return out
}

function alterColumn(ctx: DiffContext, key: string, ca: ColumnInfo, cb: ColumnInfo, recreatedCalls: string[]): Change[] {
  const out: Change[] = []
  const name = `${key}.${cb.name}`
  const col = `ALTER TABLE ${key} ALTER COLUMN ${cb.name}`
  const rebuilt = [...ctx.rebuiltEnums].find((e) => mentions(cb.type, e))
  const typeChange = ca.type !== cb.type || (ca.collation ?? '') !== (cb.collation ?? '') || rebuilt !== undefined
  const early = ca.default !== null && recreatedCalls.some((t) => ca.default!.includes(t))
  const defaultChange = ca.default !== cb.default
  const first: string[] = []
  const second: string[] = []
  const what: string[] = []
  if (early) out.push({ kind: 'column', action: 'change', name, detected: '', sql: [`${col} DROP DEFAULT`], phase: PHASE.dropDefault })
  // SET DEFAULT alone replaces a default; it is dropped first when the type changes under it, or
  // when it reads a sequence that may be dropped before the new default is set (order 1).
  const replacedInPlace = !typeChange && cb.default !== null && !/\bnextval\(/.test(ca.default ?? '')
  if (ca.default !== null && !early && (typeChange || defaultChange) && !replacedInPlace) first.push(`${col} DROP DEFAULT`)
  if (typeChange) {
    first.push(`${col} TYPE ${cb.type}${cb.collation ? ` COLLATE ${cb.collation}` : ''} USING ${castTo(ctx, ca, cb)}`)
    what.push(ca.type === cb.type ? (rebuilt ? 'type rebuilt' : 'collation') : `type ${ca.type} -> ${cb.type}`)
  }
  if (ca.identity && !cb.identity) first.push(`${col} DROP IDENTITY`)
  if (ca.notNull !== cb.notNull) {
    first.push(`${col} ${cb.notNull ? 'SET' : 'DROP'} NOT NULL`)
    what.push(cb.notNull ? 'not null' : 'nullable')
  }
  second.push(...identitySql(key, ca, cb))
  if (JSON.stringify(ca.identity) !== JSON.stringify(cb.identity)) what.push('identity')
  if (cb.default !== null && (defaultChange || typeChange || early)) second.push(`${col} SET DEFAULT ${cb.default}`)
  if (defaultChange) what.push('default')
  if (first.length + second.length > 0) {
    const destructive = typeChange && !rebuilt && !isWidening(ca.type, cb.type)
    const detected = what.length ? detectedLine('change', 'column', name, what.join(', ')) : ''
    // Nothing to run at order 0 (a default replaced in place): the detected line goes with the rest.
    if (first.length) out.push({ kind: 'column', action: 'change', name, detected, sql: first, phase: PHASE.alterColumn, order: 0, destructive })
    if (second.length) out.push({ kind: 'column', action: 'change', name, detected: first.length ? '' : detected, sql: second, phase: PHASE.alterColumn, order: 2 })
  }
  // Parents first: SET STATISTICS and SET STORAGE recurse to inheritance children, which then
  // get their own value after.
  const settings = columnSettingsSql(key, ca, cb, ca.type !== cb.type)
  const changed = settingsChanged(ca, cb)
  if (settings.length) out.push({ kind: 'column', action: 'change', name, detected: changed.length ? detectedLine('change', 'column', name, changed.join(', ')) : '', sql: settings, phase: PHASE.alterTable, order: treeDepth(ctx.to.tables, key) })
  if (ca.comment !== cb.comment) {
    out.push({ kind: 'column', action: 'change', name, detected: detectedLine('change', 'column', name, 'comment'), sql: [commentOn(`COLUMN ${name}`, cb.comment)], phase: PHASE.comment })
  }
  return out
}
