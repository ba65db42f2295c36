/**
 * Random schemas for the property test: a small state (tables, columns, indexes, foreign keys,
 * an enum, views), random edits on it (seeded), rendered as declared-schema SQL. Some edits add
 * what PostgreSQL deparses differently after one dump and reload (issue 14, item 5): CHECK and
 * trigger WHEN conditions with IN lists on varchar columns, views filtered the same way with a
 * UNION ALL NULL branch, stored generated columns over varchar columns.
 */
import { pick } from '../helpers/random.ts'

export interface Col { name: string; type: string; notNull: boolean; def: string | null }
/** A stored generated column over the text column `src`. */
export interface Gen { name: string; src: string }
/** A BEFORE trigger whose WHEN condition reads the text column `col`. */
export interface Trig { name: string; col: string }
export interface Tab { name: string; cols: Col[]; pk: boolean; indexes: { name: string; cols: string[]; unique: boolean }[]; fk: string | null; check: string | null; gens: Gen[]; triggers: Trig[] }
/** A view over `table`; `filter` (a text column) adds `WHERE filter IN (...)`, `union` a `UNION ALL SELECT NULL, ...` branch. */
export interface View { name: string; table: string; cols: string[]; filter: string | null; union: boolean }
export interface State { tables: Tab[]; mood: string[]; views: View[]; seq: number }

const TYPES = ['integer', 'bigint', 'text', 'varchar(20)', 'numeric(10,2)', 'boolean', 'mood', 'timestamptz', 'jsonb']
const DEFAULTS: Record<string, string[]> = {
  integer: ['0', '42'], bigint: ['7'], text: [`'x'`, `''`], 'varchar(20)': [`'v'`], 'numeric(10,2)': ['1.5'],
  boolean: ['true', 'false'], mood: [`'sad'`], timestamptz: ['now()'], jsonb: [`'{}'`],
}
const IN_LIST = `in ('a', 'b')`

export function emptyState(): State {
  return { tables: [], mood: ['ok', 'sad'], views: [], seq: 0 }
}

const texts = (t: Tab) => t.cols.filter((c) => c.name !== 'id' && (c.type === 'varchar(20)' || c.type === 'text'))

/** A text column of `t` to read (a new varchar one when it has none). */
function textColumn(t: Tab, r: () => number, n: () => number): string {
  const have = texts(t)
  if (have.length) return pick(r, have).name
  const c: Col = { name: `c${n()}`, type: 'varchar(20)', notNull: false, def: null }
  t.cols.push(c)
  return c.name
}

/** What reads a column goes when the column is dropped or changes type. */
function forget(s: State, t: Tab, col: string): void {
  if (t.check === col) t.check = null
  t.gens = t.gens.filter((g) => g.src !== col)
  t.triggers = t.triggers.filter((g) => g.col !== col)
  for (const v of s.views) if (v.table === t.name && v.filter === col) v.filter = null
}

/** One random edit (mutates and returns the state). */
export function edit(s: State, r: () => number): State {
  const n = () => ++s.seq
  const t = s.tables.length ? pick(r, s.tables) : undefined
  const roll = r()
  if (!t || roll < 0.11) {
    s.tables.push({ name: `t${n()}`, cols: [{ name: 'id', type: 'integer', notNull: true, def: null }, { name: `c${n()}`, type: pick(r, TYPES), notNull: false, def: null }], pk: r() < 0.7, indexes: [], fk: null, check: null, gens: [], triggers: [] })
  } else if (roll < 0.16 && s.tables.length > 1) {
    s.tables = s.tables.filter((x) => x !== t)
    for (const o of s.tables) if (o.fk === t.name) o.fk = null
    s.views = s.views.filter((v) => v.table !== t.name)
  } else if (roll < 0.28) {
    const type = pick(r, TYPES)
    const c: Col = { name: `c${n()}`, type, notNull: false, def: r() < 0.4 ? pick(r, DEFAULTS[type]!) : null }
    if (r() < 0.5) t.cols.push(c)
    else t.cols.splice(1 + Math.floor(r() * (t.cols.length - 1)), 0, c)
  } else if (roll < 0.37 && t.cols.length > 2) {
    const c = pick(r, t.cols.slice(1))
    t.cols = t.cols.filter((x) => x !== c)
    t.indexes = t.indexes.filter((i) => !i.cols.includes(c.name))
    s.views = s.views.flatMap((v) => (v.table !== t.name ? [v] : v.cols.filter((x) => x !== c.name).length ? [{ ...v, cols: v.cols.filter((x) => x !== c.name) }] : []))
    forget(s, t, c.name)
  } else if (roll < 0.46 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    const next = pick(r, ['integer', 'bigint', 'text', 'varchar(20)'].filter((x) => x !== c.type))
    const castable = ['integer', 'bigint', 'text', 'varchar(20)', 'numeric(10,2)'].includes(c.type)
    if (castable) { c.type = next; c.def = null; forget(s, t, c.name) }
  } else if (roll < 0.53 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    c.notNull = !c.notNull
  } else if (roll < 0.6 && t.cols.length > 1) {
    const c = pick(r, t.cols.slice(1))
    c.def = c.def === null ? pick(r, DEFAULTS[c.type]!) : null
  } else if (roll < 0.67 && t.cols.length > 1) {
    const cols = [pick(r, t.cols).name]
    if (r() < 0.3) cols.push(pick(r, t.cols).name)
    const uniq = [...new Set(cols)]
    if (!t.cols.some((c) => uniq.includes(c.name) && c.type === 'jsonb')) t.indexes.push({ name: `i${n()}`, cols: uniq, unique: r() < 0.3 })
  } else if (roll < 0.7 && t.indexes.length) {
    t.indexes.splice(Math.floor(r() * t.indexes.length), 1)
  } else if (roll < 0.74) {
    const other = pick(r, s.tables)
    t.fk = other.pk && other !== t && !t.pk ? other.name : t.fk === null ? null : null
  } else if (roll < 0.78) {
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
  } else if (roll < 0.84) {
    const filter = r() < 0.6 ? textColumn(t, r, n) : null
    s.views.push({ name: `v${n()}`, table: t.name, cols: [...new Set([pick(r, t.cols).name, pick(r, t.cols).name])], filter, union: r() < 0.5 })
  } else if (roll < 0.89) {
    // A CHECK: `> 0` on an integer column, an IN list on a text one.
    const ints = t.cols.filter((c) => c.name !== 'id' && c.type === 'integer')
    t.check = ints.length && r() < 0.4 ? pick(r, ints).name : textColumn(t, r, n)
  } else if (roll < 0.94) {
    if (t.triggers.length && r() < 0.3) t.triggers.pop()
    else t.triggers.push({ name: `tr${n()}`, col: textColumn(t, r, n) })
  } else {
    if (t.gens.length && r() < 0.3) t.gens.shift()
    else t.gens.push({ name: `g${n()}`, src: textColumn(t, r, n) })
  }
  return s
}

export function render(s: State): string {
  const out = [`create type mood as enum (${s.mood.map((m) => `'${m}'`).join(', ')});`]
  if (s.tables.some((t) => t.triggers.length)) out.push('create function trg() returns trigger language plpgsql as $$begin return new; end$$;')
  const byName = new Map(s.tables.map((t) => [t.name, t]))
  for (const t of s.tables) {
    const cols = t.cols.map((c) => `${c.name} ${c.type}${c.def !== null ? ` default ${c.def}` : ''}${c.notNull ? ' not null' : ''}`)
    for (const g of t.gens) cols.push(`${g.name} varchar(20) generated always as (case when ${g.src} ${IN_LIST} then ${g.src} end) stored`)
    if (t.pk) cols.push('primary key (id)')
    const check = t.cols.find((c) => c.name === t.check)
    if (check) cols.push(`check (${check.name} ${check.type === 'integer' ? '> 0' : IN_LIST})`)
    out.push(`create table ${t.name} (${cols.join(', ')});`)
  }
  for (const t of s.tables) {
    if (t.fk && byName.get(t.fk)?.pk) out.push(`alter table ${t.name} add foreign key (id) references ${t.fk};`)
    for (const i of t.indexes) out.push(`create ${i.unique ? 'unique ' : ''}index ${i.name} on ${t.name} (${i.cols.join(', ')});`)
    for (const g of t.triggers) out.push(`create trigger ${g.name} before insert or update on ${t.name} for each row when (new.${g.col} ${IN_LIST}) execute function trg();`)
  }
  for (const v of s.views) {
    if (!byName.has(v.table)) continue
    const where = v.filter ? ` where ${v.filter} ${IN_LIST}` : ''
    const union = v.union ? ` union all select ${v.cols.map(() => 'null').join(', ')}` : ''
    out.push(`create view ${v.name} as select ${v.cols.join(', ')} from ${v.table}${where}${union};`)
  }
  return out.join('\n')
}
