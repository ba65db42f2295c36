/**
 * The command line the build-comparison benches share (bench/cpu.ts, bench/startup.ts):
 * `--runs N`, `--url` (a server database; SQLMIG_BENCH_URL), `--build name=dir` (repeatable; default
 * this checkout), and the psql and URL helpers they run with.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

export interface Build {
  name: string
  /** A checkout whose dist/ is built. */
  dir: string
}

export interface BuildsArgs {
  /** The value after `name` on the command line, if any. */
  opt(name: string): string | undefined
  runs: number
  url: string
  builds: Build[]
  /** Runs one statement with psql on `url`; throws with its stderr. */
  psql(sql: string): void
  /** `url` with another database name. */
  dbUrl(name: string): string
}

export function buildsArgs(defaultRuns: number, args: readonly string[] = process.argv.slice(2)): BuildsArgs {
  const opt = (name: string) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const url = opt('--url') ?? process.env.SQLMIG_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const builds: Build[] = []
  args.forEach((a, i) => {
    if (a === '--build') {
      const [name, dir] = args[i + 1]!.split('=')
      builds.push({ name: name!, dir: resolve(dir!) })
    }
  })
  if (builds.length === 0) builds.push({ name: 'this', dir: resolve(fileURLToPath(new URL('../..', import.meta.url))) })
  return {
    opt,
    runs: Number(opt('--runs') ?? defaultRuns),
    url,
    builds,
    psql(sql: string) {
      const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(r.stderr)
    },
    dbUrl(name: string) {
      const u = new URL(url)
      u.pathname = `/${name}`
      return u.toString()
    },
  }
}
