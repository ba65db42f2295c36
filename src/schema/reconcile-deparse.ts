/**
 * PostgreSQL's deparsed text of an expression is not always a fixed point: parsing what
 * pg_get_constraintdef printed and printing it again can give different text
 * (`CHECK (x IN ('a','b'))` on a varchar column gains casts on its first trip and changes
 * shape on the second). A migration written from the declared schema's deparse, once applied,
 * is then deparsed differently from the declared schema, and `check` would report a change
 * that is not there, for ever. So before two models are diffed, every definition that differs
 * between them in text only is run again through the server: the declared shadow creates a
 * throwaway copy of each version (inside a transaction that is rolled back) and deparses it;
 * if the two texts meet within two trips they mean the same, and the other model takes the
 * declared text. A definition that does not survive the trip (it needs something the declared
 * shadow lacks) is left as it is: a real difference stays a difference.
 */
import type { Database } from '../db/database.ts'
import type { SchemaModel } from './model.ts'

/** How to make a throwaway copy of one definition and read back its deparse. */
interface Trip {
  /** The DDL creating the copy from a definition text. */
  create(text: string): string
  /** A query returning one row { d } with the copy's deparse. */
  read: string
  params: unknown[]
  /** From the copy's deparse back to the model's form (e.g. the index's real name). */
  restore?(text: string): string
}

const TMP = 'sqlmig_redeparse'

async function tripOnce(db: Database, trip: Trip, text: string): Promise<string | undefined> {
  await db.exec(`savepoint ${TMP}`)
  try {
    await db.exec(trip.create(text))
    const rows = await db.query<{ d: string | null }>(trip.read, trip.params)
    const d = rows[0]?.d ?? undefined
    return d === undefined ? undefined : trip.restore ? trip.restore(d) : d
  } catch {
    return undefined
  } finally {
    await db.exec(`rollback to savepoint ${TMP}`)
  }
}

/** True when the two texts reach a common deparse within two trips each. */
async function sameMeaning(db: Database, trip: Trip, declared: string, other: string): Promise<boolean> {
  const a = [declared]
  const b = [other]
  for (let i = 0; i < 2; i++) {
    const na = await tripOnce(db, trip, a[a.length - 1]!)
    const nb = await tripOnce(db, trip, b[b.length - 1]!)
    if (na !== undefined) a.push(na)
    if (nb !== undefined) b.push(nb)
    if (a.some((x) => b.includes(x))) return true
    if (na === undefined && nb === undefined) return false
  }
  return false
}

const INDEX_NAME = /^(CREATE (?:UNIQUE )?INDEX )("(?:[^"]|"")*"|[^\s"]+)( ON )/

/**
 * Makes `other`'s definitions equal to `declared`'s wherever they differ in text but not in
 * meaning (see the module comment). `db` is the declared shadow: every table and view of
 * `declared` exists there. Mutates `other` only.
 */
export async function reconcileDeparsed(db: Database, declared: SchemaModel, other: SchemaModel): Promise<number> {
  const pending: { trip: Trip; declared: string; other: string; apply: () => void }[] = []
  for (const [key, t] of Object.entries(declared.tables)) {
    const o = other.tables[key]
    if (!o) continue
    for (const [name, c] of Object.entries(t.constraints)) {
      const oc = o.constraints[name]
      if (!oc || oc.type !== 'c' || c.type !== 'c' || oc.definition === c.definition) continue
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
      if (!oc || col.default === null || oc.default === null || col.default === oc.default) continue
      pending.push({
        trip: {
          create: (text) => `ALTER TABLE ${key} ALTER COLUMN ${col.name} SET DEFAULT ${text}`,
          read: `select pg_catalog.pg_get_expr(d.adbin, d.adrelid) as d from pg_catalog.pg_attrdef d join pg_catalog.pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
                  where d.adrelid = $1::regclass and pg_catalog.quote_ident(a.attname) = $2`,
          params: [key, col.name],
        },
        declared: col.default,
        other: oc.default,
        apply: () => (oc.default = col.default),
      })
    }
    for (const [name, i] of Object.entries(t.indexes)) {
      const oi = o.indexes[name]
      if (!oi || oi.definition === i.definition || !INDEX_NAME.test(i.definition)) continue
      pending.push({
        trip: {
          create: (text) => text.replace(INDEX_NAME, `$1${TMP}$3`),
          read: `select pg_catalog.pg_get_indexdef(c.oid) as d from pg_catalog.pg_class c where c.relname = '${TMP}' and c.relnamespace = $1::regnamespace`,
          params: [t.schema],
          restore: (text) => text.replace(INDEX_NAME, `$1${name}$3`),
        },
        declared: i.definition,
        other: oi.definition,
        apply: () => (oi.definition = i.definition),
      })
    }
  }
  for (const [key, t] of Object.entries(declared.tables)) {
    const o = other.tables[key]
    for (const [name, pol] of Object.entries(t.policies)) {
      const op = o?.policies[name]
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
    if (!o || o.definition === v.definition) continue
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
  if (pending.length === 0) return 0
  let reconciled = 0
  // One transaction, rolled back: nothing of the trips stays. The deparse is taken with an
  // empty search_path, as introspect() takes it.
  await db.exec('begin')
  try {
    await db.query(`select pg_catalog.set_config('search_path', '', true)`)
    for (const p of pending) {
      if (await sameMeaning(db, p.trip, p.declared, p.other)) {
        p.apply()
        reconciled++
      }
    }
  } finally {
    await db.exec('rollback')
  }
  return reconciled
}
