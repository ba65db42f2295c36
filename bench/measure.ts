/**
 * Runs one process and measures its wall time, peak memory and CPU (maximum resident set size
 * and user + system seconds from GNU time's %M %U %S, when /usr/bin/time exists). Medians are
 * what the table shows.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

export interface Sample {
  ms: number
  /** Peak resident memory of the process in KiB (undefined without /usr/bin/time). */
  rssKb: number | undefined
  /** User + system CPU of the process in ms (undefined without /usr/bin/time). */
  cpuMs?: number | undefined
}

export interface RunOutput extends Sample {
  stdout: string
  stderr: string
}

export const GNU_TIME = '/usr/bin/time'
export const hasGnuTime = existsSync(GNU_TIME)

const scratch = mkdtempSync(join(tmpdir(), 'sqlmig-bench-time-'))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
let counter = 0

export interface RunOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  timeoutMs?: number
}

/** Runs `command args` to completion; throws (with its output) unless it exits 0. */
export function runMeasured(command: string, args: string[], options: RunOptions = {}): RunOutput {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v
  const out = join(scratch, `time-${++counter}`)
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', out, command, ...args]] : [command, args]
  const started = performance.now()
  const r = spawnSync(cmd, argv, { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 30 * 60_000 })
  const ms = performance.now() - started
  if (r.error) throw r.error
  if (r.status !== 0) {
    throw new Error(`"${command} ${args.join(' ')}" exited with ${r.status ?? r.signal}\n${(r.stderr ?? '').slice(-4000)}${(r.stdout ?? '').slice(-2000)}`)
  }
  let rssKb: number | undefined
  let cpuMs: number | undefined
  if (hasGnuTime && existsSync(out)) {
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    const [rss, user, sys] = lines[lines.length - 1]!.split(' ').map(Number)
    rssKb = Number.isFinite(rss) ? rss : undefined
    cpuMs = Number.isFinite(user) && Number.isFinite(sys) ? Math.round((user! + sys!) * 1000) : undefined
    rmSync(out, { force: true })
  }
  return { ms, rssKb, cpuMs, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
