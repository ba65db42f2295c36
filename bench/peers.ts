/**
 * The tools a user would otherwise pick, installed from npm into a scratch folder by the bench
 * itself (never into this project): dbmate (its npm package ships the Go binary) and
 * node-pg-migrate (with pg). Pinned, so that runs compare like with like.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PEER_VERSIONS: Record<string, string> = { dbmate: '2.36.0', 'node-pg-migrate': '9.0.0', pg: '8.23.1' }

export interface Peers {
  dir: string
  dbmate: string
  nodePgMigrate: string
  versions: Record<string, string>
}

/** Default scratch folder (kept between runs so that the install happens once). */
export function defaultPeersDir(): string {
  return join(tmpdir(), 'sqlmig-bench-peers')
}

function installedVersion(dir: string, name: string): string | undefined {
  const path = join(dir, 'node_modules', name, 'package.json')
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version : undefined
}

/** Installs the peers into `dir` unless they are there already; returns their binaries. */
export function ensurePeers(dir: string, log: (line: string) => void): Peers {
  const missing = Object.entries(PEER_VERSIONS).filter(([name, v]) => installedVersion(dir, name) !== v)
  if (missing.length) {
    mkdirSync(dir, { recursive: true })
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"sqlmig-bench-peers","private":true}\n')
    const specs = Object.entries(PEER_VERSIONS).map(([n, v]) => `${n}@${v}`)
    log(`installing ${specs.join(' ')} into ${dir}`)
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...specs], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    if (r.status !== 0) throw new Error(`npm install of the peers failed:\n${r.stderr}`)
  }
  const bin = join(dir, 'node_modules', '.bin')
  const versions = Object.fromEntries(Object.keys(PEER_VERSIONS).map((n) => [n, installedVersion(dir, n) ?? '?']))
  return { dir, dbmate: join(bin, 'dbmate'), nodePgMigrate: join(bin, 'node-pg-migrate'), versions }
}
