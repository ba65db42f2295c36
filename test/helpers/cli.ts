/**
 * Runs sqlmig as a user would: the built bin (dist/src/cli/bin.js) in a project folder of its
 * own, returning exit code, stdout and stderr.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { type CliRun, run } from './process.ts'

export type { CliRun } from './process.ts'

/** The repository root (works from dist/test/helpers and from test/helpers). */
export const REPO = (() => {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..', '..') : join(here, '..', '..')
})()

export const BIN = join(REPO, 'dist', 'src', 'cli', 'bin.js')

/**
 * The V8 flags of this process that its CLI children get too: test/run.mjs runs the test files
 * with --liftoff-only (see there), and a file run by hand without it runs its CLI without it.
 */
export const NODE_FLAGS: string[] = process.execArgv.filter((a) => a === '--liftoff-only')

/** Runs `sqlmig <args>` (the built bin under this Node) in `cwd`. DATABASE_URL is cleared unless given in env. */
export function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<CliRun> {
  return run(process.execPath, [...NODE_FLAGS, BIN, ...args], cwd, { env, timeoutMs })
}

/** A temporary project folder; `files` maps relative paths to contents. */
export function tempProject(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-project-'))
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A temporary project holding a copy of the repository's example migrations/. */
export function exampleProject(): { dir: string; cleanup: () => void } {
  const p = tempProject()
  cpSync(join(REPO, 'migrations'), join(p.dir, 'migrations'), { recursive: true })
  return p
}

export interface MigrationSpec {
  revision: string
  parents?: string[]
  message?: string
  up: string
  down: string
  upHeader?: string
  downHeader?: string
  created?: string
}

/** Files for a migrations/versions folder from compact specs. */
export function migrationFiles(specs: MigrationSpec[], dir = 'migrations'): Record<string, string> {
  const files: Record<string, string> = {}
  specs.forEach((s, i) => {
    const base = `${dir}/versions/${String(i + 1).padStart(4, '0')}_${s.revision}`
    const created = s.created ?? `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`
    files[`${base}.up.sql`] = `-- revision: ${s.revision}\n-- down_revision: ${s.parents?.length ? s.parents.join(', ') : 'none'}\n-- message: ${s.message ?? s.revision}\n-- created: ${created}\n${s.upHeader ?? ''}\n${s.up}\n`
    files[`${base}.down.sql`] = `-- revision: ${s.revision}\n${s.downHeader ?? ''}\n${s.down}\n`
  })
  return files
}

/** A linear chain of specs: each revision's parent is the previous one. */
export function chain(specs: Omit<MigrationSpec, 'parents'>[]): MigrationSpec[] {
  return specs.map((s, i) => ({ ...s, parents: i === 0 ? [] : [specs[i - 1]!.revision] }))
}
