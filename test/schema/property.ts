/**
 * Random schemas for the property test: a small state (tables, columns, indexes, foreign keys,
 * an enum, views), random edits on it (seeded), rendered as declared-schema SQL.
 */
import { pick } from '../helpers/random.ts'

export interface Col { name: string; type: string; notNull: boolean; def: string | null }
export interface Tab { name: string; cols: Col[]; pk: boolean; indexes: { name: string; cols: string[]; unique: boolean }[]; fk: string | null; check: string | null }
export interface State { tables: Tab[]; mood: string[]; views: { name: string; table: string; cols: string[] }[]; seq: number }

const TYPES = ['integer', 'bigint', 'text', 'varchar(20)', 'numeric(10,2)', 'boolean', 'mood', 'timestamptz', 'jsonb']
const DEFAULTS: Record<string, string[]> = {
  integer: ['0', '42'], bigint: ['7'], text: [`'x'`, `''`], 'varchar(20)': [`'v'`], 'numeric(10,2)': ['1.5'],
  boolean: ['true', 'false'], mood: [`'sad'`], timestamptz: ['now()'], jsonb: [`'{}'`],
}

export function emptyState(): State {
  return { tables: [], mood: ['ok', 'sad'], views: [], seq: 0 }
}


/** One random edit (mutates and returns the state). */
export function edit(s: State, r: () => number): State {
  const n = () => ++s.seq
  const t = s.tables.length ? pick(r, s.tables) : undefined
  const roll = r()
  if (!t || roll < 0.12) {
    s.tables.push({ name: `t${n()}`, cols: [{ name: 'id', type: 'integer', notNull: true, def: null }, { name: `c${n()}`, type: pick(r, TYPES), notNull: false, def: null }], pk: r() < 0.7, indexes: [], fk: null, check: null })
  } else if (roll < 0.18 && s.tables.length > 1) {
    s.tables = s.tables.filter((x) => x !== t)
    for (const o of s.tables) if (o.fk === t.name) o.fk = null
    s.views = s.views.filter((v) => v.table !== t.name)
  } else if (roll < 0.32) {
    const type = pick(r, TYPES)
    const c: Col = { name: `c${n()}`, type, notNull: false, def: r() < 0.4 ? pick(r, DEFAULTS[type]!) : null }
    if (r() < 0.5) t.cols.push(c)
    else t.cols.splice(1 + Math.floor(r() * (t.cols.length - 1)), 0, c)
  } else if (roll < 0.42 && t.cols.length > 2) {
    const c = pick(r, t.cols.slice(1))
    t.cols = t.cols.filter((x) => x !== c)
    t.indexes = t.indexes.filter((i) => !i.cols.includes(c.name))
    s.views = s.views.flatMap((v) => (v.table !== t.name ? [v] : v.cols.filter((x) => x !== c.name).length ? [{ ...v, cols: v.cols.filter((x) => x !== c.name) }] : []))
    if (t.check === c.name) t.check = null
  } else if (roll < 0.52 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    const next = pick(r, ['integer', 'bigint', 'text', 'varchar(20)'].filter((x) => x !== c.type))
    const castable = ['integer', 'bigint', 'text', 'varchar(20)', 'numeric(10,2)'].includes(c.type)
    if (castable) { c.type = next; c.def = null; if (t.check === c.name) t.check = null }
  } else if (roll < 0.6 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    c.notNull = !c.notNull
  } else if (roll < 0.68 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    c.def = c.def === null ? pick(r, DEFAULTS[c.type]!) : null
  } else if (roll < 0.76 && t.cols.length > 1) {
    const cols = [pick(r, t.cols).name]
    if (r() < 0.3) cols.push(pick(r, t.cols).name)
    const uniq = [...new Set(cols)]
    if (!t.cols.some((c) => uniq.includes(c.name) && c.type === 'jsonb')) t.indexes.push({ name: `i${n()}`, cols: uniq, unique: r() < 0.3 })
  } else if (roll < 0.8 && t.indexes.length) {
    t.indexes.splice(Math.floor(r() * t.indexes.length), 1)
  } else if (roll < 0.85) {
    const other = pick(r, s.tables)
    t.fk = other.pk && other !== t && !t.pk ? other.name : t.fk === null ? null : null
  } else if (roll < 0.9) {
    const used = new Set(s.tables.flatMap((x) => x.cols.map((c) => c.def)))
    const unused = s.mood.filter((m) => !used.has(`'${m}'`) && m !== 'ok')
    if (r() < 0.25 && unused.length > 1) {
      s.mood = s.mood.filter((m) => m !== pick(r, unused))
    } else {
      const value = `m${n()}`
      s.mood.splice(Math.floor(r() * (s.mood.length + 1)), 0, value)
      const moods = s.tables.flatMap((x) => x.cols.filter((c) => c.type === 'mood'))
      if (moods.length && r() < 0.5) pick(r, moods).def = `'${value}'`
    }
  } else if (roll < 0.95) {
    s.views.push({ name: `v${n()}`, table: t.name, cols: [...new Set([pick(r, t.cols).name, pick(r, t.cols).name])] })
  } else {
    const ints = t.cols.filter((c) => c.type === 'integer' && c.name !== 'id')
    t.check = ints.length ? pick(r, ints).name : null
  }
  return s
}

export function render(s: State): string {
  const out = [`create type mood as enum (${s.mood.map((m) => `'${m}'`).join(', ')});`]
  const byName = new Map(s.tables.map((t) => [t.name, t]))
  for (const t of s.tables) {
    const cols = t.cols.map((c) => `${c.name} ${c.type}${c.def !== null ? ` default ${c.def}` : ''}${c.notNull ? ' not null' : ''}`)
    if (t.pk) cols.push('primary key (id)')
    if (t.check) cols.push(`check (${t.check} > 0)`)
    out.push(`create table ${t.name} (${cols.join(', ')});`)
  }
  for (const t of s.tables) {
    if (t.fk && byName.get(t.fk)?.pk) out.push(`alter table ${t.name} add foreign key (id) references ${t.fk};`)
    for (const i of t.indexes) out.push(`create ${i.unique ? 'unique ' : ''}index ${i.name} on ${t.name} (${i.cols.join(', ')});`)
  }
  for (const v of s.views) if (byName.has(v.table)) out.push(`create view ${v.name} as select ${v.cols.join(', ')} from ${v.table};`)
  return out.join('\n')
}
