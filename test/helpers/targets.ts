/**
 * The databases tests run against: PGlite always, the PostgreSQL server when reachable.
 * Under CI=true an unreachable server is a failure, not a skip. Each target is a fresh database
 * with a unique name, dropped by `cleanup()`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import postgres from 'postgres'

export type TargetKind = 'pglite' | 'postgres'

export interface Target {
  kind: TargetKind
  /** URL sqlmig is given. */
  url: string
  /** Drops the database / removes the directory. */
  cleanup(): Promise<void>
}

/** The server the tests use (a database there is the admin entry point). */
export const SERVER_URL = process.env.SQLMIG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let serverState: Promise<boolean> | undefined

/** True when the server answers; under CI=true throws if it does not. Prints one line when skipping. */
export function serverAvailable(): Promise<boolean> {
  serverState ??= (async () => {
    const sql = postgres(SERVER_URL, { max: 1, connect_timeout: 3, onnotice: () => {} })
    try {
      await sql`select 1`
      return true
    } catch (error) {
      if (process.env.CI === 'true') {
        throw new Error(`CI=true but the PostgreSQL server at ${SERVER_URL} is unreachable: ${(error as Error).message}`)
      }
      console.log(`skipping PostgreSQL server tests: ${SERVER_URL} is unreachable (${(error as Error).message})`)
      return false
    } finally {
      await sql.end({ timeout: 0 })
    }
  })()
  return serverState
}

/** The kinds to loop over in database tests. */
export async function targetKinds(): Promise<TargetKind[]> {
  return (await serverAvailable()) ? ['pglite', 'postgres'] : ['pglite']
}

let counter = 0

/** A unique name usable as a database name. */
export function uniqueName(prefix = 'sqlmig_test'): string {
  counter += 1
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`
}

/** Runs SQL on the server's admin database. */
export async function adminExec(text: string): Promise<void> {
  const sql = postgres(SERVER_URL, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(text)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** URL of another database on the test server. */
export function serverUrlFor(database: string): string {
  const u = new URL(SERVER_URL)
  u.pathname = `/${database}`
  return u.toString()
}

/** A fresh, empty database of the given kind. */
export async function newTarget(kind: TargetKind): Promise<Target> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'sqlmig-pglite-'))
    return { kind, url: `pglite:${join(dir, 'pgdata')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = uniqueName()
  await adminExec(`create database "${name}"`)
  return {
    kind,
    url: serverUrlFor(name),
    cleanup: async () => adminExec(`drop database if exists "${name}" with (force)`),
  }
}
