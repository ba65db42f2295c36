/**
 * Runs sqlmig under Deno as a user would: `deno run -A <repo>/mod.ts <args>` in a project folder
 * of its own. The binary is the `deno` npm devDependency, called by path (node_modules/.bin/deno
 * is not usable from `deno task`, see README "Deno"). Without the binary the Deno tests print one
 * line and skip, except under CI=true, where a missing binary is a failure.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { REPO } from '../helpers/cli.ts'
import { type CliRun, run } from '../helpers/process.ts'

/** The Deno binary the tests use: SQLMIG_DENO, else the npm devDependency's binary. */
export const DENO = process.env.SQLMIG_DENO ?? join(REPO, 'node_modules', 'deno', 'deno')

export const MOD = join(REPO, 'mod.ts')

/** True when the Deno binary exists; under CI=true throws if it does not. */
export function denoAvailable(): boolean {
  if (existsSync(DENO)) return true
  const message = `the Deno binary is missing at ${DENO} (run "npm install", or set SQLMIG_DENO)`
  if (process.env.CI === 'true') throw new Error(`CI=true but ${message}`)
  console.log(`skipping Deno tests: ${message}`)
  return false
}

/** Runs `deno <args>` in `cwd` (DATABASE_URL cleared unless given, colours off). */
export function runDeno(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return run(DENO, args, cwd, { env })
}

/** Runs `deno run -A <repo>/mod.ts <args>` in `cwd`. */
export function runDenoCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runDeno(['run', '-A', MOD, ...args], cwd, env)
}
