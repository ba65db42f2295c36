/** Reading libpg-query's JSON parse tree: names, relations, type names, constants. */

export type Fields = Record<string, unknown>

/** The fields of a node `{ Kind: {...} }` when it is of `kind`. */
export function as(node: unknown, kind: string): Fields | undefined {
  if (typeof node !== 'object' || node === null) return undefined
  const v = (node as Fields)[kind]
  return typeof v === 'object' && v !== null ? (v as Fields) : undefined
}

/** The kind of a node `{ Kind: {...} }`. */
export function kindOf(node: unknown): string | undefined {
  return typeof node === 'object' && node !== null ? Object.keys(node)[0] : undefined
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** A `[{String: {sval}}...]` list as strings. */
export function names(value: unknown): string[] {
  return list(value).map((n) => String(as(n, 'String')?.sval ?? ''))
}

/** A RangeVar's name as written ("public.users" or "users"; identifiers already folded by the parser). */
export function relationName(rangeVar: unknown): string | undefined {
  const r = rangeVar as Fields | undefined
  if (!r || typeof r.relname !== 'string') return undefined
  return typeof r.schemaname === 'string' ? `${r.schemaname}.${r.relname}` : r.relname
}

/** The table part of a possibly qualified name: the key objects are matched by. */
export function tableKey(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? name : name.slice(dot + 1)
}

export interface TypeRef {
  /** The type's name without pg_catalog ("varchar", "int4", "text", "my_enum"). */
  name: string
  /** Integer type modifiers (varchar(20) → [20], numeric(10,2) → [10, 2]). */
  mods: number[]
  array: boolean
}

/** A TypeName node as a TypeRef. */
export function typeRef(typeName: unknown): TypeRef | undefined {
  const t = typeName as Fields | undefined
  if (!t || !Array.isArray(t.names)) return undefined
  const parts = names(t.names).filter((n) => n !== 'pg_catalog')
  const mods = list(t.typmods).map((m) => {
    const c = as(m, 'A_Const')
    return Number((c?.ival as Fields | undefined)?.ival ?? (c?.ival ? 0 : NaN))
  })
  return { name: parts.join('.'), mods, array: list(t.arrayBounds).length > 0 }
}

export function formatType(t: TypeRef): string {
  const base = { int4: 'integer', int8: 'bigint', int2: 'smallint', bpchar: 'char', float8: 'double precision', float4: 'real', bool: 'boolean' }[t.name] ?? t.name
  return `${base}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`
}

/** Every node of the tree (depth first), for searches such as "is this value used". */
export function* walk(node: unknown): Generator<unknown> {
  if (Array.isArray(node)) {
    for (const n of node) yield* walk(n)
  } else if (typeof node === 'object' && node !== null) {
    yield node
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) yield* walk(v)
  }
}

/** The string constants of a tree. */
export function stringConstants(node: unknown): string[] {
  const out: string[] = []
  for (const n of walk(node)) {
    const c = as(n, 'A_Const')
    const s = as(c?.sval, 'sval') ?? (c?.sval as Fields | undefined)
    if (c && s && typeof (s as Fields).sval === 'string') out.push(String((s as Fields).sval))
  }
  return out
}

/** A DefElem option list holds `name` (VACUUM (FULL), REINDEX (CONCURRENTLY)). */
export function hasOption(options: unknown, name: string): boolean {
  return list(options).some((o) => {
    const d = as(o, 'DefElem')
    if (!d || d.defname !== name) return false
    const arg = as(d.arg, 'Boolean') ?? as(d.arg, 'String')
    return arg === undefined || (arg as Fields).boolval !== false && (arg as Fields).sval !== 'false' && (arg as Fields).sval !== 'off'
  })
}
