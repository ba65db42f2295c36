/**
 * The databases tests run against: PGlite always, the PostgreSQL server when reachable.
 * Under CI=true an unreachable server is a failure, not a skip. Each target is a fresh database
 * with a unique name, dropped by `cleanup()`.
 *
 * A fresh PGlite target is a copy of one freshly initialised data directory (made once by PGlite
 * itself, per test run): initdb is most of PGlite's start-up (~5 s of CPU of ~6), and every open
 * of the copy (in the test or in a CLI child) is the cheap open of an existing directory. The
 * creation of a new directory is exercised where the tests use the embedded default
 * (`pglite:.sqlmig/pgdata`) and `pglite:memory`.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import postgres from 'postgres'
import { openDatabase } from '../../src/db/open.ts'

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

/**
 * A fresh database for a test whose subject is not the database (argument parsing, graph
 * behaviour, output shape): the server when reachable (0.2 s to start a CLI on it, against
 * seconds for PGlite), else PGlite.
 */
export async function scratchTarget(): Promise<Target> {
  return newTarget((await serverAvailable()) ? 'postgres' : 'pglite')
}

/**
 * Scratch space shared by the files of one run: test/run.mjs sets SQLMIG_TEST_TMP and removes it
 * at the end; a test file run on its own gets a folder of its own, removed when it exits.
 */
function runTmp(): string {
  if (process.env.SQLMIG_TEST_TMP) return process.env.SQLMIG_TEST_TMP
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-test-run-'))
  process.env.SQLMIG_TEST_TMP = dir
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

let template: Promise<string> | undefined

/**
 * Added to the template's postgresql.conf: the 16 MB of shared buffers sqlmig gives its scratch
 * instances (src/db/pglite.ts), not the 128 MB a user's data directory keeps. PGlite zeroes its
 * shared buffers at every start: 0.1 s of CPU per open of a 128 MB one (~300 opens of targets
 * in a run, in tests and in their CLI children). What the embedded default starts with is
 * tested on directories sqlmig creates itself (test/db/pglite-image.test.ts).
 */
const TARGET_SETTINGS = '# test targets (test/helpers/targets.ts)\nshared_buffers = 16MB'

/** A PGlite data directory just initialised by PGlite (and closed), made once per run. */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const tmp = runTmp()
    const ready = join(tmp, 'pgdata-template')
    if (existsSync(ready)) return ready
    // Test files run in parallel: the first to take the lock builds the template, the others wait
    // for it (and build one themselves if it does not come). Built in a folder of its own and
    // renamed into place (atomic), so a template that exists is complete.
    let building = false
    try {
      mkdirSync(join(tmp, 'pgdata-template.lock'))
      building = true
    } catch {
      for (let waited = 0; !existsSync(ready) && waited < 120_000; waited += 100) await new Promise((r) => setTimeout(r, 100))
      if (existsSync(ready)) return ready
    }
    const staging = mkdtempSync(join(tmp, 'pgdata-staging-'))
    try {
      const db = await openDatabase(`pglite:${join(staging, 'pgdata')}`)
      await db.close()
      appendFileSync(join(staging, 'pgdata', 'postgresql.conf'), `\n${TARGET_SETTINGS}\n`)
      try {
        renameSync(join(staging, 'pgdata'), ready)
      } catch (error) {
        if (!existsSync(ready)) throw error
      }
    } finally {
      rmSync(staging, { recursive: true, force: true })
      if (building) rmSync(join(tmp, 'pgdata-template.lock'), { recursive: true, force: true })
    }
    return ready
  })()
  return template
}

/** A fresh, empty database of the given kind. */
export async function newTarget(kind: TargetKind): Promise<Target> {
  if (kind === 'pglite') {
    const source = await pgliteTemplate()
    // In the run's scratch folder: on tmpfs under test/run.mjs, where a copy is cheap.
    const dir = mkdtempSync(join(runTmp(), 'pglite-'))
    cpSync(source, join(dir, 'pgdata'), { recursive: true })
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
