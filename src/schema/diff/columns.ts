/**
 * Columns of tables present on both sides. A change is split in two steps inside its phase:
 * order 0 drops the old default, changes the type (USING a cast), drops identity and sets
 * nullability; order 2 adds identity and sets the new default. Sequences that trade names with
 * an identity sequence are created or dropped at order 1, in between.
 */
import type { ColumnInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { columnNeedsRecreate, functionCallText, mentions, type DiffContext } from './context.ts'
import { columnSpec, commentOn, sequenceOptions } from './sql-text.ts'

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
  if (!ia) return [`${col} ADD GENERATED ${ib.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (SEQUENCE NAME ${ib.sequence} ${sequenceOptions(ib)})`]
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

export function diffColumns(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const recreatedCalls = [...ctx.recreatedFunctions].map((k) => functionCallText(ctx.from.functions[k]!))
  for (const [key, a] of Object.entries(ctx.from.tables)) {
    const b = ctx.to.tables[key]
    if (!b) continue
    const added = b.columns.filter((c) => !a.columns.some((d) => d.name === c.name))
    const removed = a.columns.filter((c) => !b.columns.some((d) => d.name === c.name))
    for (const c of added) {
      const sql = [`ALTER TABLE ${key} ADD COLUMN ${columnSpec(c)}`]
      if (c.comment !== null) sql.push(commentOn(`COLUMN ${key}.${c.name}`, c.comment))
      out.push({ kind: 'column', action: 'add', name: `${key}.${c.name}`, detected: detectedLine('add', 'column', `${key}.${c.name}`), sql, phase: PHASE.addColumn })
    }
    const hint = added.length ? [`if this is a rename of ${added.map((c) => c.name).join(' or ')}, use ALTER TABLE ... RENAME COLUMN instead`] : undefined
    for (const c of removed) {
      out.push({ kind: 'column', action: 'remove', name: `${key}.${c.name}`, detected: detectedLine('remove', 'column', `${key}.${c.name}`), sql: [`ALTER TABLE ${key} DROP COLUMN ${c.name}`], phase: PHASE.dropColumn, destructive: true, notes: hint })
    }
    for (const ca of a.columns) {
      const cb = b.columns.find((c) => c.name === ca.name)
      if (!cb) continue
      const name = `${key}.${cb.name}`
      if (columnNeedsRecreate(ca, cb)) {
        const sql = [`ALTER TABLE ${key} DROP COLUMN ${ca.name}`, `ALTER TABLE ${key} ADD COLUMN ${columnSpec(cb)}`]
        if (cb.comment !== null) sql.push(commentOn(`COLUMN ${name}`, cb.comment))
        out.push({ kind: 'column', action: 'change', name, detected: detectedLine('change', 'column', name, 'generated expression'), sql, phase: PHASE.alterColumn, destructive: true, notes: ['PostgreSQL before 17 cannot change a generated expression: the column is dropped and added again'] })
        continue
      }
      const col = `ALTER TABLE ${key} ALTER COLUMN ${cb.name}`
      const rebuilt = [...ctx.rebuiltEnums].find((e) => mentions(cb.type, e))
      const typeChange = ca.type !== cb.type || (ca.collation ?? '') !== (cb.collation ?? '') || rebuilt !== undefined
      const early = ca.default !== null && recreatedCalls.some((t) => ca.default!.includes(t))
      const defaultChange = ca.default !== cb.default
      const first: string[] = []
      const second: string[] = []
      const what: string[] = []
      if (early) out.push({ kind: 'column', action: 'change', name, detected: '', sql: [`${col} DROP DEFAULT`], phase: PHASE.dropDefault })
      if (ca.default !== null && !early && (typeChange || defaultChange)) first.push(`${col} DROP DEFAULT`)
      if (typeChange) {
        const using = rebuilt ? `${cb.name}::text${cb.type.endsWith('[]') ? '[]' : ''}::${cb.type}` : `${cb.name}::${cb.type}`
        first.push(`${col} TYPE ${cb.type}${cb.collation ? ` COLLATE ${cb.collation}` : ''} USING ${using}`)
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
        out.push({ kind: 'column', action: 'change', name, detected: what.length ? detectedLine('change', 'column', name, what.join(', ')) : '', sql: first, phase: PHASE.alterColumn, order: 0, destructive })
        if (second.length) out.push({ kind: 'column', action: 'change', name, detected: '', sql: second, phase: PHASE.alterColumn, order: 2 })
      }
      if (ca.comment !== cb.comment) {
        out.push({ kind: 'column', action: 'change', name, detected: detectedLine('change', 'column', name, 'comment'), sql: [commentOn(`COLUMN ${name}`, cb.comment)], phase: PHASE.comment })
      }
    }
  }
  return out
}
