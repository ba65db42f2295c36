/**
 * Shadow databases: where autogenerate replays the migrations and loads the declared schema.
 * By default fresh in-memory PGlite instances, one at a time; with a server URL, scratch
 * databases on that server, created with unique names and always dropped afterwards.
 *
 * This module opens databases only through the `open` function it is given (the commands pass
 * `openDatabase`), so src/schema never imports a driver.
 */
import process from 'node:process'
import type { Database } from '../db/database.ts'
import { runStatement as runStatementNow, serverErrorFields } from '../db/database.ts'
import { createMissingRoles } from '../db/missing-roles.ts'
import { withDatabaseName } from '../db/pg-url.ts'
import { referencedRoles } from '../sql/roles.ts'
import { SqlmigError } from '../errors.ts'
import { splitStatements, type Statement } from '../sql/split.ts'

/** One SQL text to load: a migration's up file or a declared-schema file. */
export interface SqlText {
  /** Shown in messages (a path, usually). */
  name: string
  sql: string
  /** false: run statement by statement outside a transaction (a `transaction: false` migration). */
  transaction?: boolean
}

/** Statements PostgreSQL refuses inside a transaction block. */
const NO_TRANSACTION = /\bCONCURRENTLY\b|^\s*(VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM|CREATE\s+TABLESPACE|DROP\s+TABLESPACE)\b/i
/** Statements that manage the transaction themselves. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b/i

export type OpenDatabase = (url: string) => Promise<Database>

let counter = 0

function scratchName(): string {
  counter += 1
  return `sqlmig_shadow_${process.pid}_${Date.now().toString(36)}_${counter}`
}

/**
 * Runs `use` on an empty database and gets rid of it afterwards, whatever happens: an in-memory
 * PGlite instance, or a scratch database created on `shadowUrl`'s server and dropped after.
 */
export async function withShadow<T>(open: OpenDatabase, shadowUrl: string | undefined, use: (db: Database) => Promise<T>): Promise<T> {
  if (!shadowUrl) {
    const db = await open('pglite:memory')
    try {
      return await use(db)
    } finally {
      await db.close()
    }
  }
  const admin = await open(shadowUrl)
  const name = scratchName()
  let db: Database | undefined
  try {
    await admin.exec(`CREATE DATABASE "${name}"`)
    db = await open(withDatabaseName(shadowUrl, name))
    return await use(db)
  } finally {
    await db?.close().catch(() => {})
    await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {})
    await admin.close()
  }
}

/**
 * The two shadows of a comparison: `first` runs on one, then `second` on another, given a
 * promise of `first`'s result. Embedded shadows are built one after the other, the first closed
 * before the second opens (PGlite runs on this thread anyway, so this costs no time and halves
 * the peak memory); server scratch databases are built side by side. When both fail, the first
 * one's error is the one thrown.
 */
export async function withShadows<A, B>(
  open: OpenDatabase,
  shadowUrl: string | undefined,
  first: (db: Database) => Promise<A>,
  second: (db: Database, first: Promise<A>) => Promise<B>,
): Promise<B> {
  const a = withShadow(open, shadowUrl, first)
  // Awaited below or inside second(); this only keeps an early failure from being "unhandled".
  a.catch(() => {})
  if (!shadowUrl) await a
  try {
    return await withShadow(open, shadowUrl, (db) => second(db, a))
  } catch (error) {
    await a
    throw error
  }
}

/**
 * Runs each text statement by statement (CREATE INDEX CONCURRENTLY cannot share a string). A
 * text runs inside one transaction (one commit instead of one per statement, which is what
 * makes loading a large schema fast on a server) unless it is marked `transaction: false`,
 * manages transactions itself or holds a statement that cannot run in one. If the transaction
 * fails, the text is replayed statement by statement, so the error (and what succeeded before
 * it) is exactly what an autocommit run gives.
 */
export async function loadTexts(db: Database, texts: SqlText[], what: 'migration' | 'declared schema'): Promise<void> {
  // An embedded shadow starts with no roles but its own: create those the texts name (a server's are the user's).
  if (db.kind === 'pglite') await createMissingRoles(db, referencedRoles(texts.map((t) => t.sql)))
  const runStatement = db.kind === 'pglite' ? checkpointing() : runStatementNow
  for (const t of texts) {
    const statements = splitStatements(t.sql, t.name)
    const batch = t.transaction !== false && statements.length > 1 &&
      !statements.some((s) => NO_TRANSACTION.test(s.text) || TRANSACTION_CONTROL.test(s.text))
    if (batch) {
      await db.exec('BEGIN')
      let ok = true
      for (const s of statements) {
        try {
          await runStatement(db, s)
        } catch {
          ok = false
          break
        }
      }
      await db.exec(ok ? 'COMMIT' : 'ROLLBACK')
      if (ok) continue
    }
    for (const s of statements) await runOne(db, t, s, what, runStatement)
  }
}

/** Statements between two CHECKPOINTs of an embedded shadow. */
const CHECKPOINT_EVERY = 250

/**
 * runStatement with a CHECKPOINT every CHECKPOINT_EVERY statements: a standalone PostgreSQL
 * (PGlite) never checkpoints on its own, so the WAL of a whole load would stay in memory; after
 * a checkpoint only a few 1 MB segments remain (pglite.ts). Allowed inside a transaction; left
 * out while the texts have switched to a role that is not a superuser (SET ROLE), which may not
 * run it, so that it never fails.
 */
function checkpointing(): (db: Database, s: Statement) => Promise<void> {
  let count = 0
  return async (db, s) => {
    await runStatementNow(db, s)
    if (++count % CHECKPOINT_EVERY !== 0) return
    const [me] = await db.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user')
    if (me?.rolsuper) await db.exec('CHECKPOINT')
  }
}

async function runOne(db: Database, t: SqlText, s: Statement, what: 'migration' | 'declared schema',
  runStatement: (db: Database, s: Statement) => Promise<void> = runStatementNow): Promise<void> {
  try {
    await runStatement(db, s)
  } catch (error) {
    const f = serverErrorFields(error)
    const message = f?.message ?? (error as Error)?.message ?? String(error)
    let line = s.line
    let column = s.column
    if (f?.position !== undefined) {
      const before = [...s.text].slice(0, f.position - 1).join('')
      const breaks = before.split(/\r\n|\r|\n/)
      line += breaks.length - 1
      column = breaks.length > 1 ? [...breaks[breaks.length - 1]!].length + 1 : column + [...before].length
    }
    throw new SqlmigError(what === 'migration' ? 'REPLAY_FAILED' : 'DECLARED_SCHEMA_FAILED',
      `Cannot load ${what} "${t.name}": ${message}${f?.sqlState ? ` (${f.sqlState})` : ''}`, {
        location: { file: t.name, line, column },
        detail: f?.detail,
        cause: error,
      })
  }
}
