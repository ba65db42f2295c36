/**
 * The schema model: plain JSON-able data describing every user object of a database, as
 * `introspect()` reads it from the catalogs. Names are stored already quoted (quote_ident), and
 * every expression is PostgreSQL's own deparse taken with an empty search_path, so object
 * references come out schema-qualified and the text can be pasted into generated SQL as is.
 *
 * Keys of the records are the quoted qualified names (`public.users`, `app."Order"`); for
 * functions the key adds the identity arguments (`public.f(integer, text)`).
 */

import { quoteLiteral } from '../sql/quote.ts'
import type { PublicationInfo, CastInfo, OperatorInfo, TsDictionaryInfo, TsConfigurationInfo, ForeignDataWrapperInfo, ForeignServerInfo, UserMappingInfo, ForeignTableInfo, UnmodelledInfo } from './model-objects.ts'

export type { PublicationTable, PublicationInfo, CastInfo, OperatorInfo, TsDictionaryInfo, TsConfigurationInfo, GenericOption, ForeignDataWrapperInfo, ForeignServerInfo, UserMappingInfo, ForeignColumnInfo, ForeignTableInfo, UnmodelledInfo } from './model-objects.ts'
export { unmodelledSubject } from './model-objects.ts'

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
  ranges?: Record<string, RangeInfo>
  collations?: Record<string, CollationInfo>
  /** Rules (not a view's own _RETURN rule), keyed `table.rule`. */
  rules?: Record<string, RuleInfo>
  /** Event triggers (database-wide), keyed by quoted name. */
  eventTriggers?: Record<string, EventTriggerInfo>
  /** Publications (database-wide), keyed by quoted name. */
  publications?: Record<string, PublicationInfo>
  /** Foreign data wrappers not made by an extension, keyed by quoted name. */
  foreignDataWrappers?: Record<string, ForeignDataWrapperInfo>
  /** Foreign servers, keyed by quoted name. */
  foreignServers?: Record<string, ForeignServerInfo>
  /** User mappings, keyed `user server` (user PUBLIC, CURRENT_USER or a quoted role). */
  userMappings?: Record<string, UserMappingInfo>
  /** Foreign tables, keyed like tables. */
  foreignTables?: Record<string, ForeignTableInfo>
  /** Text search dictionaries, keyed `schema.name`. */
  tsDictionaries?: Record<string, TsDictionaryInfo>
  /** Text search configurations, keyed `schema.name`. */
  tsConfigurations?: Record<string, TsConfigurationInfo>
  /** User-defined casts, keyed `(source AS target)`. */
  casts?: Record<string, CastInfo>
  /** Operators, keyed `schema.op(left, right)` (NONE for a prefix operator's left). */
  operators?: Record<string, OperatorInfo>
  /** Aggregates, keyed like functions: `schema.name(argument types)`. */
  aggregates?: Record<string, AggregateInfo>
  /** Owner and privileges of every object above that has them, keyed `TABLE public.t`, `SCHEMA app`... */
  security?: Record<string, SecurityInfo>
  /** ALTER DEFAULT PRIVILEGES entries, keyed `role schema objtype` (schema "" when global). */
  defaultPrivileges?: Record<string, DefaultPrivilegeInfo>
  /**
   * What sqlmig does not model but the database has (operator classes, owners of collations...;
   * see catalog-unmodelled.ts), keyed by unmodelledSubject(): compared, never written as SQL.
   */
  unmodelled?: Record<string, UnmodelledInfo>
  /**
   * What each object needs, from pg_depend (normal dependencies between modelled objects, keyed
   * like the records above; an extension's members are named by the extension): dependent key →
   * referenced keys. Creates run in this order and drops in reverse (see diff/dependency-order.ts).
   */
  dependencies?: Record<string, string[]>
}

/**
 * Privileges are lists of `grantee=PRIVILEGE` (`*` appended when grantable) in ACL order (pg_dump
 * prints the GRANTs in that order, so it is compared). The grantee
 * `OWNER` stands for the object's owner (so the list survives an owner change, as PostgreSQL's
 * own ACL does), `PUBLIC` for everyone and `CURRENT_USER` for the role that introspected (so a
 * shadow database built by another role still compares equal). A NULL ACL is expanded to the
 * built-in default (acldefault), so "never granted" and "granted the defaults" are the same.
 */
export interface SecurityInfo {
  /** Word used in GRANT ... ON <on> and ALTER <type>: TABLE, VIEW, SEQUENCE, FUNCTION, SCHEMA, TYPE... */
  type: string
  /** Quoted qualified name (routines with their argument types). */
  name: string
  /** Owning role (quoted), or CURRENT_USER. */
  owner: string
  acl: string[]
  /** Column privileges by column (only columns that have some). */
  columns: Record<string, string[]>
  /** The built-in default ACL of this kind of object (what a new one starts with; not compared). */
  baseline: string[]
}

export interface DefaultPrivilegeInfo {
  /** Role whose future objects it applies to (quoted), or CURRENT_USER. */
  role: string
  /** Schema (quoted) of an IN SCHEMA entry, else null. */
  schema: string | null
  /** pg_default_acl.defaclobjtype: r tables, S sequences, f functions, T types, n schemas. */
  objtype: string
  acl: string[]
  /** What the entry's absence means (acldefault for a global entry, nothing in a schema; not compared). */
  baseline: string[]
}

export interface AggregateInfo {
  schema: string
  name: string
  /** pg_get_function_arguments ("" for an aggregate over *). */
  args: string
  identityArgs: string
  /** pg_aggregate.aggkind: n normal, o ordered-set, h hypothetical-set. */
  kind: string
  sfunc: string
  stype: string
  sspace: number
  finalfunc: string | null
  finalExtra: boolean
  finalModify: string
  combinefunc: string | null
  serialfunc: string | null
  deserialfunc: string | null
  initcond: string | null
  msfunc: string | null
  minvfunc: string | null
  mstype: string | null
  msspace: number
  mfinalfunc: string | null
  mfinalExtra: boolean
  mfinalModify: string
  minitcond: string | null
  sortop: string | null
  /** proparallel: s safe, r restricted, u unsafe. */
  parallel: string
  comment: string | null
}

export interface RuleInfo {
  /** Quoted qualified table or view. */
  table: string
  name: string
  /** pg_get_ruledef: the whole CREATE RULE statement. */
  definition: string
  /** pg_rewrite.ev_enabled: O, D, R, A (as for triggers). */
  enabled: string
  comment: string | null
}

export interface EventTriggerInfo {
  name: string
  event: string
  /** pg_event_trigger.evtenabled: O, D, R, A. */
  enabled: string
  /** WHEN TAG IN (...) list, in the order given (pg_dump keeps it), else null. */
  tags: string[] | null
  /** Key of the function (`schema.name()`). */
  function: string
  comment: string | null
}

export interface CollationInfo {
  schema: string
  name: string
  /** pg_collation.collprovider: c libc, i icu, b builtin (17+). */
  provider: string
  deterministic: boolean
  /** ICU or builtin locale, else null. */
  locale: string | null
  lcCollate: string | null
  lcCtype: string | null
  /** ICU tailoring rules (16+), else null. */
  rules: string | null
  comment: string | null
}

export interface RangeInfo {
  schema: string
  name: string
  subtype: string
  /** Qualified collation when not the subtype's default, else null. */
  collation: string | null
  /** Qualified btree operator class when not the subtype's default, else null. */
  opclass: string | null
  /** Qualified functions (regproc text), else null. */
  canonical: string | null
  subtypeDiff: string | null
  /** Qualified name of the multirange type (PostgreSQL 14+), else null. */
  multirange: string | null
  comment: string | null
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
  /** pg_extension.extrelocatable: ALTER EXTENSION ... SET SCHEMA works (not compared; absent counts as true). */
  relocatable?: boolean
  comment: string | null
  /** The comment CREATE EXTENSION sets (its control file's), when known (not compared). */
  defaultComment?: string | null
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
  /**
   * Set only on a column a plain (INHERITS) child gets from a parent: 'only' when the child does
   * not declare it itself (pg_dump leaves it out of CREATE TABLE), 'merged' when it does too.
   */
  inherited?: 'only' | 'merged'
  collation: string | null
  comment: string | null
  /** Statistics target (SET STATISTICS) when set; absent for the default (-1, or NULL from PostgreSQL 17). */
  statistics?: number
  /** Attribute options (pg_attribute.attoptions, e.g. "n_distinct=100"), sorted; absent when none. */
  options?: string[]
  /** Storage (PLAIN, MAIN, EXTERNAL, EXTENDED) when not the type's default; absent otherwise. */
  storage?: string
  /** The type's default storage, present with `storage` only (not compared: what RESET means). */
  typeStorage?: string
  /** Compression method (pglz, lz4) when set (PostgreSQL 14+); absent for the default. */
  compression?: string
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
  /** Statistics targets set on index columns (ALTER INDEX ... ALTER COLUMN n SET STATISTICS): column number → target. */
  statistics?: Record<string, number>
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
  /** Parents of a plain inheritance child (INHERITS), in order; absent when there are none. */
  inherits?: string[]
  columns: ColumnInfo[]
  constraints: Record<string, ConstraintInfo>
  indexes: Record<string, IndexInfo>
  triggers: Record<string, TriggerInfo>
  policies: Record<string, PolicyInfo>
  rowSecurity: boolean
  forceRowSecurity: boolean
  comment: string | null
  /** REPLICA IDENTITY when not DEFAULT: 'FULL', 'NOTHING' or 'USING INDEX <name>'; absent for DEFAULT. */
  replicaIdentity?: string
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
  return { schemas: {}, extensions: {}, enums: {}, domains: {}, sequences: {}, tables: {}, views: {}, functions: {}, composites: {}, security: {}, defaultPrivileges: {} }
}

/** A SQL string literal ('it''s'). */
export const literal = quoteLiteral

/** A comment value: a literal or NULL. */
export function commentValue(comment: string | null): string {
  return comment === null ? 'NULL' : literal(comment)
}
