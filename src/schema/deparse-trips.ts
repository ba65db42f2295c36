/**
 * The round trips of reconcile-deparse.ts, one per kind of definition compared as deparsed
 * text: how to create a throwaway copy of a definition in the declared shadow and read its
 * deparse back. pendingTrips() lists every definition that differs between two models in text,
 * with the trip that can tell whether the difference is one of meaning.
 */
import type { ColumnInfo, SchemaModel, TriggerInfo } from './model.ts'

/** How to make a throwaway copy of one definition and read back its deparse. */
export interface Trip {
  /** The DDL creating the copy from a definition text. */
  create(text: string): string
  /** A query returning one row { d } with the copy's deparse. */
  read: string
  params: unknown[]
  /** From the copy's deparse back to the model's form (e.g. the index's real name). */
  restore?(text: string): string
}

/** One definition that differs in text: `apply` makes the other model take the declared text. */
export interface PendingTrip {
  trip: Trip
  declared: string
  other: string
  apply: () => void
}

/** The name every throwaway copy takes (the trips run one at a time, each rolled back). */
export const TMP = 'sqlmig_redeparse'

const NAME = `("(?:[^"]|"")*"|[^\\s"]+)`
const INDEX_NAME = new RegExp(`^(CREATE (?:UNIQUE )?INDEX )${NAME}( ON )`)
// pg_get_triggerdef: CREATE [CONSTRAINT] TRIGGER name ...; pg_get_ruledef: CREATE RULE name AS ...
const TRIGGER_NAME = new RegExp(`^(CREATE (?:CONSTRAINT )?TRIGGER )${NAME}( )`)
const RULE_NAME = new RegExp(`^(CREATE RULE )${NAME}( AS)`)

// A SQL-standard body (BEGIN ATOMIC ... END, RETURN expr) is parsed and deparsed; a quoted body
// (AS $$ ... $$) is kept as written, so its text is its meaning.
const SQL_BODY = /^ ?(?:BEGIN ATOMIC$|RETURN )/m

/** A trip that renames the copy to TMP and its deparse back to `name`. */
function renamed(pattern: RegExp, name: string, read: string, params: unknown[], create = (text: string) => text): Trip {
  return {
    create: (text) => create(text.replace(pattern, `$1${TMP}$3`)),
    read,
    params,
    restore: (text) => text.replace(pattern, `$1${name}$3`),
  }
}

const ATTRDEF = (where: string) => `select pg_catalog.pg_get_expr(d.adbin, d.adrelid) as d from pg_catalog.pg_attrdef d
  join pg_catalog.pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum where d.adrelid = $1::regclass and ${where}`

function columnTrips(key: string, col: ColumnInfo, oc: ColumnInfo, out: PendingTrip[]): void {
  if (col.default !== null && oc.default !== null && col.default !== oc.default) {
    out.push({
      trip: { create: (text) => `ALTER TABLE ${key} ALTER COLUMN ${col.name} SET DEFAULT ${text}`, read: ATTRDEF('pg_catalog.quote_ident(a.attname) = $2'), params: [key, col.name] },
      declared: col.default,
      other: oc.default,
      apply: () => (oc.default = col.default),
    })
  }
  // A generated expression: a throwaway generated column of the same type (and collation).
  if (col.generated !== null && oc.generated !== null && col.generated !== oc.generated && !col.virtual === !oc.virtual) {
    const collate = col.collation === null ? '' : ` COLLATE ${col.collation}`
    out.push({
      trip: {
        create: (text) => `ALTER TABLE ${key} ADD COLUMN ${TMP} ${col.type}${collate} GENERATED ALWAYS AS (${text}) ${col.virtual ? 'VIRTUAL' : 'STORED'}`,
        read: ATTRDEF(`a.attname = '${TMP}'`),
        params: [key],
      },
      declared: col.generated,
      other: oc.generated,
      apply: () => (oc.generated = col.generated),
    })
  }
}

function triggerTrips(rel: string, declared: Record<string, TriggerInfo>, other: Record<string, TriggerInfo>, out: PendingTrip[]): void {
  for (const [name, tr] of Object.entries(declared)) {
    const ot = other[name]
    if (!ot || ot.definition === tr.definition || !TRIGGER_NAME.test(tr.definition)) continue
    out.push({
      trip: renamed(TRIGGER_NAME, name, `select pg_catalog.pg_get_triggerdef(oid) as d from pg_catalog.pg_trigger where tgrelid = $1::regclass and tgname = '${TMP}'`, [rel]),
      declared: tr.definition,
      other: ot.definition,
      apply: () => (ot.definition = tr.definition),
    })
  }
}

/**
 * Every definition of `other` that differs from `declared`'s in text only, with its trip:
 * constraints, column defaults and generated expressions, indexes, triggers, policies, domain
 * checks, views and materialized views, rules, SQL-standard function bodies.
 */
export function pendingTrips(declared: SchemaModel, other: SchemaModel): PendingTrip[] {
  const pending: PendingTrip[] = []
  for (const [key, t] of Object.entries(declared.tables)) {
    const o = other.tables[key]
    if (!o) continue
    // Any constraint type: a CHECK, an exclusion constraint's WHERE and expressions, ... (a copy
    // that cannot be made, such as a second primary key, leaves the difference as it is).
    for (const [name, c] of Object.entries(t.constraints)) {
      const oc = o.constraints[name]
      if (!oc || oc.type !== c.type || oc.definition === c.definition) continue
      pending.push({
        trip: {
          create: (text) => `ALTER TABLE ${key} ADD CONSTRAINT ${TMP} ${text}`,
          read: `select pg_catalog.pg_get_constraintdef(oid) as d from pg_catalog.pg_constraint where conrelid = $1::regclass and conname = '${TMP}'`,
          params: [key],
        },
        declared: c.definition,
        other: oc.definition,
        apply: () => (oc.definition = c.definition),
      })
    }
    for (const col of t.columns) {
      const oc = o.columns.find((x) => x.name === col.name)
      if (oc) columnTrips(key, col, oc, pending)
    }
    for (const [name, i] of Object.entries(t.indexes)) {
      const oi = o.indexes[name]
      if (!oi || oi.definition === i.definition || !INDEX_NAME.test(i.definition)) continue
      pending.push({
        trip: renamed(INDEX_NAME, name, `select pg_catalog.pg_get_indexdef(c.oid) as d from pg_catalog.pg_class c where c.relname = '${TMP}' and c.relnamespace = $1::regnamespace`, [t.schema]),
        declared: i.definition,
        other: oi.definition,
        apply: () => (oi.definition = i.definition),
      })
    }
    triggerTrips(key, t.triggers, o.triggers, pending)
    for (const [name, pol] of Object.entries(t.policies)) {
      const op = o.policies[name]
      if (!op) continue
      for (const part of ['using', 'check'] as const) {
        const mine = pol[part]
        const theirs = op[part]
        if (mine === null || theirs === null || mine === theirs) continue
        const column = part === 'using' ? 'polqual' : 'polwithcheck'
        pending.push({
          trip: {
            create: (text) => `CREATE POLICY ${TMP} ON ${key} FOR ${part === 'using' ? 'SELECT USING' : 'INSERT WITH CHECK'} (${text})`,
            read: `select pg_catalog.pg_get_expr(${column}, polrelid) as d from pg_catalog.pg_policy where polrelid = $1::regclass and polname = '${TMP}'`,
            params: [key],
          },
          declared: mine,
          other: theirs,
          apply: () => (op[part] = mine),
        })
      }
    }
  }
  for (const [key, d] of Object.entries(declared.domains)) {
    const o = other.domains[key]
    if (!o) continue
    for (const [name, def] of Object.entries(d.checks)) {
      const theirs = o.checks[name]
      if (theirs === undefined || theirs === def) continue
      pending.push({
        trip: {
          create: (text) => `ALTER DOMAIN ${key} ADD CONSTRAINT ${TMP} ${text}`,
          read: `select pg_catalog.pg_get_constraintdef(oid) as d from pg_catalog.pg_constraint where contypid = $1::regtype and conname = '${TMP}'`,
          params: [key],
        },
        declared: def,
        other: theirs,
        apply: () => (o.checks[name] = def),
      })
    }
  }
  for (const [key, v] of Object.entries(declared.views)) {
    const o = other.views[key]
    if (!o) continue
    triggerTrips(key, v.triggers, o.triggers, pending)
    if (o.definition === v.definition) continue
    // A materialized view's query deparses as a plain view's does (pg_get_viewdef for both).
    pending.push({
      trip: {
        create: (text) => `CREATE VIEW ${v.schema}.${TMP} AS ${text.trim().replace(/;$/, '')}`,
        read: `select pg_catalog.pg_get_viewdef(c.oid) as d from pg_catalog.pg_class c where c.relname = '${TMP}' and c.relnamespace = $1::regnamespace`,
        params: [v.schema],
      },
      declared: v.definition,
      other: o.definition,
      apply: () => (o.definition = v.definition),
    })
  }
  for (const [key, r] of Object.entries(declared.rules ?? {})) {
    const o = other.rules?.[key]
    if (!o || o.definition === r.definition || !RULE_NAME.test(r.definition)) continue
    pending.push({
      trip: renamed(
        RULE_NAME, r.name,
        `select pg_catalog.pg_get_ruledef(oid) as d from pg_catalog.pg_rewrite where ev_class = $1::regclass and rulename = '${TMP}'`,
        [r.table], (text) => text.trim().replace(/;$/, ''),
      ),
      declared: r.definition,
      other: o.definition,
      apply: () => (o.definition = r.definition),
    })
  }
  for (const [key, f] of Object.entries(declared.functions)) {
    const o = other.functions[key]
    if (!o || o.definition === f.definition || !SQL_BODY.test(f.definition) || !SQL_BODY.test(o.definition)) continue
    const head = `CREATE OR REPLACE ${f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${f.schema}.`
    const pattern = new RegExp(`^(${head.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})${NAME}(\\()`)
    if (!pattern.test(f.definition)) continue
    pending.push({
      trip: renamed(pattern, f.name, `select pg_catalog.pg_get_functiondef(p.oid) as d from pg_catalog.pg_proc p where p.proname = '${TMP}' and p.pronamespace = $1::regnamespace`, [f.schema]),
      declared: f.definition,
      other: o.definition,
      apply: () => (o.definition = f.definition),
    })
  }
  return pending
}
