/**
 * The one way tests start child processes (the sqlmig bin, `deno`, `npm`, `npx`, `tsc`): a clean
 * environment (DATABASE_URL cleared unless given, colours off), stdout and stderr collected, a
 * timeout that kills, and an exit code like a shell's (128+n for a signal n).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import process from 'node:process'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export interface Finished extends CliRun {
  signal: NodeJS.Signals | null
  /** Wall time from start to exit. */
  ms: number
}

export interface Spawned {
  child: ChildProcess
  /** Resolves when the process ends. */
  done: Promise<Finished>
  /** stderr so far. */
  stderr(): string
}

export interface RunOptions {
  /** Added to (undefined: removed from) the clean environment. */
  env?: Record<string, string | undefined>
  /** SIGKILL after this long (default 180 s). */
  timeoutMs?: number
  /** Also drop the variables `npm test` sets (npm_package_*, npm_lifecycle_*, INIT_CWD): a user's shell. */
  userShell?: boolean
}

const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGKILL: 137, SIGTERM: 143 }

/** The environment a child gets: ours without DATABASE_URL, with NO_COLOR=1, then `env`. */
export function childEnv(env: Record<string, string | undefined> = {}, userShell = false): Record<string, string> {
  const out: Record<string, string> = {}
  const all = { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env }
  for (const [k, v] of Object.entries(all)) {
    if (v === undefined) continue
    if (userShell && (/^npm_(package|lifecycle)_/i.test(k) || k === 'INIT_CWD')) continue
    out[k] = v
  }
  return out
}

/** Starts `command args` in cwd; the caller may signal `child` and awaits `done`. */
export function start(command: string, args: string[], cwd: string, options: RunOptions = {}): Spawned {
  const started = Date.now()
  const child = spawn(command, args, { cwd, env: childEnv(options.env, options.userShell), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? SIGNAL_CODES[signal ?? ''] ?? -1, signal, stdout, stderr, ms: Date.now() - started })
    })
  })
  return { child, done, stderr: () => stderr }
}

/** Runs `command args` in cwd to its end. */
export function run(command: string, args: string[], cwd: string, options: RunOptions = {}): Promise<Finished> {
  return start(command, args, cwd, options).done
}
