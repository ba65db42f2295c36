/**
 * The schema model: plain JSON-able data describing every user object of a database, as
 * `introspect()` reads it from the catalogs. Names are stored already quoted (quote_ident), and
 * every expression is PostgreSQL's own deparse taken with an empty search_path, so object
 * references come out schema-qualified and the text can be pasted into generated SQL as is.
 *
 * Keys of the records are the quoted qualified names (`public.users`, `app."Order"`); for
 * functions the key adds the identity arguments (`public.f(integer, text)`).
 */

export interface SchemaModel {
  schemas: Record<string, SchemaInfo>
  extensions: Record<string, ExtensionInfo>
  enums: Record<string, EnumInfo>
  domains: Record<string, DomainInfo>
  sequences: Record<string, SequenceInfo>
  tables: Record<string, TableInfo>
  views: Record<string, ViewInfo>
  functions: Record<string, FunctionInfo>
  composites: Record<string, CompositeInfo>
}

export interface CompositeInfo {
  schema: string
  name: string
  attributes: { name: string; type: string; collation: string | null }[]
  comment: string | null
}

export interface SchemaInfo {
  name: string
  comment: string | null
}

export interface ExtensionInfo {
  name: string
  schema: string
  comment: string | null
}

export interface EnumInfo {
  schema: string
  name: string
  values: string[]
  comment: string | null
}

export interface DomainInfo {
  schema: string
  name: string
  type: string
  default: string | null
  notNull: boolean
  collation: string | null
  checks: Record<string, string>
  comment: string | null
}

export interface SequenceOptions {
  type: string
  start: string
  increment: string
  min: string
  max: string
  cache: string
  cycle: boolean
}

export interface SequenceInfo extends SequenceOptions {
  schema: string
  name: string
  /** `table.column` (quoted, qualified table) of an OWNED BY link, else null. */
  ownedBy: string | null
  comment: string | null
}

export interface IdentityInfo extends SequenceOptions {
  /** 'a' = ALWAYS, 'd' = BY DEFAULT. */
  kind: 'a' | 'd'
  /** Qualified quoted name of the identity's sequence. */
  sequence: string
}

export interface ColumnInfo {
  name: string
  type: string
  notNull: boolean
  default: string | null
  identity: IdentityInfo | null
  /** Expression of a generated column, else null. */
  generated: string | null
  /** Set (true) only for a VIRTUAL generated column (PostgreSQL 18+). */
  virtual?: true
  collation: string | null
  comment: string | null
}

export type ConstraintType = 'p' | 'u' | 'c' | 'f' | 'x'

export interface ConstraintInfo {
  name: string
  type: ConstraintType
  definition: string
  comment: string | null
  /** Columns of this table the constraint uses (not compared: derived from the definition). */
  columns: string[]
  /** For a foreign key: the referenced table and columns (not compared). */
  refTable: string | null
  refColumns: string[]
}

export interface IndexInfo {
  name: string
  definition: string
  comment: string | null
  /** Columns of the table the index uses (not compared). */
  columns: string[]
}

export interface TriggerInfo {
  name: string
  definition: string
  /** pg_trigger.tgenabled: O (origin, default), D (disabled), R (replica), A (always). */
  enabled: string
  comment: string | null
  /** Key of the trigger function (not compared). */
  function: string
}

export interface PolicyInfo {
  name: string
  permissive: boolean
  command: string
  roles: string[]
  using: string | null
  check: string | null
  comment: string | null
}

export interface TableInfo {
  schema: string
  name: string
  unlogged: boolean
  /** Storage parameters (reloptions text, e.g. "fillfactor=70"), else null. */
  options: string | null
  /** PARTITION BY clause body of a partitioned table (pg_get_partkeydef), else null. */
  partitionKey: string | null
  /** The parent of a partition, else null. */
  partitionOf: string | null
  /** FOR VALUES ... / DEFAULT of a partition, else null. */
  partitionBound: string | null
  columns: ColumnInfo[]
  constraints: Record<string, ConstraintInfo>
  indexes: Record<string, IndexInfo>
  triggers: Record<string, TriggerInfo>
  policies: Record<string, PolicyInfo>
  rowSecurity: boolean
  forceRowSecurity: boolean
  comment: string | null
}

export interface ViewInfo {
  schema: string
  name: string
  materialized: boolean
  definition: string
  /** View options such as security_barrier (reloptions text), else null. */
  options: string | null
  indexes: Record<string, IndexInfo>
  triggers: Record<string, TriggerInfo>
  columnComments: Record<string, string>
  comment: string | null
  /** Relations (tables, views) and functions the view reads (not compared). */
  dependsOn: string[]
}

export interface FunctionInfo {
  schema: string
  name: string
  /** 'f' function, 'p' procedure. */
  kind: 'f' | 'p'
  identityArgs: string
  /** pg_get_function_arguments: names, modes and defaults (changing them needs DROP). */
  args: string
  /** pg_get_function_result, null for a procedure. */
  result: string | null
  definition: string
  comment: string | null
  /** Relations the function's signature uses as types (not compared). */
  usesTypes: string[]
}

/** An empty model (a database with nothing in it, not even the public schema). */
export function emptyModel(): SchemaModel {
  return { schemas: {}, extensions: {}, enums: {}, domains: {}, sequences: {}, tables: {}, views: {}, functions: {}, composites: {} }
}

/** A SQL string literal ('it''s'). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/** A comment value: a literal or NULL. */
export function commentValue(comment: string | null): string {
  return comment === null ? 'NULL' : literal(comment)
}
