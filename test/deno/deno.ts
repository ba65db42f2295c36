/**
 * Runs sqlmig under Deno as a user would: `deno run -A <repo>/mod.ts <args>` in a project folder
 * of its own. The binary is the `deno` npm devDependency, called by path (node_modules/.bin/deno
 * is not usable from `deno task`, see README "Deno"). Without the binary the Deno tests print one
 * line and skip, except under CI=true, where a missing binary is a failure.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { type CliRun, REPO } from '../helpers/cli.ts'

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

/** Runs any program with DATABASE_URL cleared (unless given) and colours off. */
export function run(command: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}, timeoutMs = 180_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string> = {}
    const all = { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env }
    for (const [k, v] of Object.entries(all)) if (v !== undefined) childEnv[k] = v
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })
}

/** Runs `deno run -A <repo>/mod.ts <args>` in `cwd`. */
export function runDenoCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return run(DENO, ['run', '-A', MOD, ...args], cwd, env)
}
