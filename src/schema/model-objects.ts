/**
 * Model records of the database-wide and catalog-level kinds added to SchemaModel later:
 * publications, casts, operators, text search dictionaries and configurations, and foreign data
 * (wrappers, servers, user mappings, foreign tables). Same conventions as model.ts.
 */

export interface PublicationTable {
  /** Column list (15+), in column order, else null (every column). */
  columns: string[] | null
  /** Row filter (15+, pg_get_expr text with its parentheses), else null. */
  where: string | null
}

export interface PublicationInfo {
  name: string
  /** FOR ALL TABLES. */
  allTables: boolean
  /** The publish option, one flag per operation. */
  insert: boolean
  update: boolean
  delete: boolean
  truncate: boolean
  /** publish_via_partition_root. */
  viaRoot: boolean
  /** FOR TABLE members keyed by quoted qualified table. */
  tables: Record<string, PublicationTable>
  /** FOR TABLES IN SCHEMA members (15+), quoted, sorted. */
  schemas: string[]
  comment: string | null
}

export interface CastInfo {
  source: string
  target: string
  /** pg_cast.castmethod: f function, i inout, b binary coercible. */
  method: string
  /** pg_cast.castcontext: e explicit, a assignment, i implicit. */
  context: string
  /** Key of the cast function (`schema.name(types)`), else null. */
  function: string | null
  comment: string | null
}

export interface OperatorInfo {
  schema: string
  /** The operator symbol (never quoted). */
  name: string
  /** Argument types; left is null for a prefix operator. */
  left: string | null
  right: string
  /** Qualified function names. */
  function: string
  /** `OPERATOR(schema.op)`, else null. */
  commutator: string | null
  negator: string | null
  restrict: string | null
  join: string | null
  hashes: boolean
  merges: boolean
  comment: string | null
}

export interface TsDictionaryInfo {
  schema: string
  name: string
  /** Qualified template. */
  template: string
  /** pg_ts_dict.dictinitoption (`stopwords = 'english', language = 'english'`), else null. */
  options: string | null
  comment: string | null
}

export interface TsConfigurationInfo {
  schema: string
  name: string
  /** Qualified parser. */
  parser: string
  /** Token type alias → qualified dictionaries, in the order they are consulted. */
  mappings: Record<string, string[]>
  comment: string | null
}

/** A generic (FDW) option: [quoted name, literal value], e.g. ["host", "'db1'"]. */
export type GenericOption = [string, string]

export interface ForeignDataWrapperInfo {
  name: string
  /** Qualified handler / validator function, else null. */
  handler: string | null
  validator: string | null
  options: GenericOption[]
  comment: string | null
}

export interface ForeignServerInfo {
  name: string
  /** Quoted name of its foreign data wrapper. */
  fdw: string
  type: string | null
  version: string | null
  options: GenericOption[]
  comment: string | null
}

export interface UserMappingInfo {
  /** PUBLIC, CURRENT_USER or a quoted role name. */
  user: string
  server: string
  options: GenericOption[]
}

export interface ForeignColumnInfo {
  name: string
  type: string
  notNull: boolean
  default: string | null
  collation: string | null
  options: GenericOption[]
  comment: string | null
}

export interface ForeignTableInfo {
  schema: string
  name: string
  server: string
  options: GenericOption[]
  columns: ForeignColumnInfo[]
  comment: string | null
}

/**
 * Something in the database sqlmig does not model (see catalog-unmodelled.ts): a whole object
 * (attribute null) or an attribute of a modelled object it does not write (its owner, its
 * privileges...). Keyed by `unmodelledSubject()`; `value` changes when the object does.
 */
export interface UnmodelledInfo {
  /** Object kind, e.g. "operator class", "collation". */
  kind: string
  /** Quoted qualified name (an operator class adds `USING method`). */
  name: string
  /** The attribute not modelled ("owner", "privileges", "check constraint", "parent"), or null for the whole object. */
  attribute: string | null
  /** A definition, owner, ACL or count; null when presence is all that is read. */
  value: string | null
}

/** "operator class public.foo_ops USING btree", "owner of collation public.c": the model key and the display name. */
export function unmodelledSubject(u: UnmodelledInfo): string {
  return u.attribute === null ? `${u.kind} ${u.name}` : `${u.attribute} of ${u.kind} ${u.name}`
}
