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
import { pendingTrips, TMP, type Trip } from './deparse-trips.ts'
import type { SchemaModel } from './model.ts'

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

/**
 * Makes `other`'s definitions equal to `declared`'s wherever they differ in text but not in
 * meaning (see the module comment; the kinds are listed in deparse-trips.ts). `db` is the
 * declared shadow: every table and view of `declared` exists there. Mutates `other` only.
 */
export async function reconcileDeparsed(db: Database, declared: SchemaModel, other: SchemaModel): Promise<number> {
  const pending = pendingTrips(declared, other)
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
