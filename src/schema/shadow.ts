/**
 * Shadow databases: where autogenerate replays the migrations and loads the declared schema.
 * By default two fresh in-memory PGlite instances; with a server URL, two scratch databases on
 * that server, created with unique names and always dropped afterwards.
 *
 * This module opens databases only through the `open` function it is given (the commands pass
 * `openDatabase`), so src/schema never imports a driver.
 */
import process from 'node:process'
import type { Database } from '../db/database.ts'
import { runStatement, serverErrorFields } from '../db/database.ts'
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

/** A pair of scratch databases and how to get rid of them. */
export interface ShadowPair {
  replayed: Database
  declared: Database
  dispose(): Promise<void>
}

let counter = 0

function scratchName(): string {
  counter += 1
  return `sqlmig_shadow_${process.pid}_${Date.now().toString(36)}_${counter}`
}



/**
 * Opens two empty databases (or one, shared by both fields, when count is 1): in-memory
 * PGlite, or scratch databases on `shadowUrl`'s server.
 */
export async function openShadowPair(open: OpenDatabase, shadowUrl?: string, count: 1 | 2 = 2): Promise<ShadowPair> {
  if (!shadowUrl) {
    const [replayed, declared] = count === 2 ? await Promise.all([open('pglite:memory'), open('pglite:memory')]) : [undefined, await open('pglite:memory')]
    return { replayed: replayed ?? declared, declared, dispose: async () => { await Promise.all([replayed?.close(), declared.close()]) } }
  }
  const admin = await open(shadowUrl)
  const names: string[] = []
  const opened: Database[] = []
  const dispose = async () => {
    await Promise.allSettled(opened.map((d) => d.close()))
    for (const n of names) await admin.exec(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`).catch(() => {})
    await admin.close()
  }
  try {
    for (let i = 0; i < count; i++) {
      const n = scratchName()
      await admin.exec(`CREATE DATABASE "${n}"`)
      names.push(n)
      opened.push(await open(withDatabaseName(shadowUrl, n)))
    }
  } catch (error) {
    await dispose()
    throw error
  }
  return { replayed: opened[0]!, declared: opened[count - 1]!, dispose }
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
    for (const s of statements) await runOne(db, t, s, what)
  }
}

async function runOne(db: Database, t: SqlText, s: Statement, what: 'migration' | 'declared schema'): Promise<void> {
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
        hint: what === 'migration'
          ? 'Fix the migration, or use --shadow-url with a server that has the extensions it needs'
          : 'Fix the declared schema so that it runs on an empty database, in file order',
        detail: f?.detail,
        cause: error,
      })
  }
}
