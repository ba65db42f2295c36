/**
 * The benchmark: sqlmig against the physical limit (psql, PGlite's own exec) and the peers, on
 * the local PostgreSQL server and on PGlite, side by side in one run. See bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { type BenchProject, generateProject, revisionOf } from './generate.ts'
import { hasGnuTime, median, type RunOutput, runMeasured, type Sample } from './measure.ts'
import { ensurePeers, type Peers } from './peers.ts'

export type BenchTarget = 'server' | 'pglite'

export interface BenchOptions {
  ns: number[]
  runs: number
  targets: BenchTarget[]
  /** Install and time dbmate and node-pg-migrate (server only). */
  peers: boolean
  /** Any database on the server; the bench creates and drops its own next to it. */
  serverUrl: string
  peersDir: string
  log: (line: string) => void
  /** Skip the per-migration rows where one transaction fits (the smoke test: harness, not numbers). */
  quick?: boolean | undefined
}

/** What a row is compared with: the limit of its group. */
export type Group = 'upgrade' | 'downgrade' | 'read' | 'library'

export interface Row {
  target: BenchTarget
  n: number
  group: Group
  label: string
  /** The row this one's ratio is taken against (the group's limit). */
  limit?: string | undefined
  samples: Sample[]
  note?: string | undefined
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log'>
  rows: Row[]
  machine: string
  peers: Peers | undefined
  startedAt: string
  loadBefore: number[]
  loadAfter: number[]
}

const HERE = dirname(fileURLToPath(import.meta.url))
/** The built CLI and the bench's child scripts (this file runs from dist/bench/). */
const BIN = join(HERE, '..', 'src', 'cli', 'bin.js')
const LIB_CHILD = join(HERE, 'lib-upgrade.js')
const ONE_QUERY_CHILD = join(HERE, 'one-query.js')
const PGLITE_EXEC_CHILD = join(HERE, 'pglite-exec.js')
const NODE = process.execPath

export const LABELS = {
  psqlOne: 'psql -1 -f (one transaction) = limit',
  psqlEach: 'psql -f, commit per migration = limit',
  pgliteExec: 'PGlite exec, one transaction = limit',
  upgrade: 'sqlmig upgrade base→head',
  upgradeEach: 'sqlmig upgrade --transaction per-migration',
  dbmate: 'dbmate up (commits per migration)',
  pgm: 'node-pg-migrate up',
  psqlDown: 'psql -1 -f all downs = limit',
  psqlDownEach: 'psql -f all downs, commit per migration = limit',
  downgrade: 'sqlmig downgrade base',
  downgradeEach: 'sqlmig downgrade base --transaction per-migration',
  nodeFloor: 'node -e 0',
  queryFloor: 'node + driver + 1 query = floor',
  current: 'sqlmig current',
  history: 'sqlmig history',
  dbmateStatus: 'dbmate status',
  libFirst: 'upgrade() nothing to do, 1st call',
  libSecond: 'upgrade() nothing to do, 2nd call',
  libImport: "import('sqlmig')",
} as const

/** Runs the whole matrix and returns every sample. */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  if (!existsSync(BIN)) throw new Error(`Cannot find the built CLI at ${BIN}: run "npx tsc -p tsconfig.json" first`)
  const startedAt = new Date().toISOString()
  const loadBefore = loadAverage()
  const rows = new Map<string, Row>()
  const add = (target: BenchTarget, n: number, group: Group, label: string, sample: Sample, limit?: string, note?: string) => {
    const key = `${target}|${n}|${label}`
    let row = rows.get(key)
    if (!row) rows.set(key, (row = { target, n, group, label, limit, samples: [], note }))
    row.samples.push(sample)
  }
  const hasPsql = spawnSync('psql', ['--version']).status === 0
  const peers = o.peers && o.targets.includes('server') ? ensurePeers(o.peersDir, o.log) : undefined
  const root = mkdtempSync(join(tmpdir(), 'sqlmig-bench-'))
  try {
    // PGlite's first open of a directory runs initdb (seconds, ~1 GB RSS): make one empty cluster
    // up front, untimed, and copy it, so that PGlite rows time the migrations, not initdb.
    const template = join(root, 'pglite-template')
    if (o.targets.includes('pglite')) runMeasured(NODE, [ONE_QUERY_CHILD, `pglite:${template}`])
    for (const n of o.ns) {
      o.log(`generating ${n} migrations`)
      const project = generateProject(join(root, `n${n}`), n)
      for (let run = 1; run <= o.runs; run++) {
        for (const target of o.targets) {
          o.log(`${target} N=${n} run ${run}/${o.runs}`)
          if (target === 'server') runServer(o, project, hasPsql, peers, run, (...a) => add('server', n, ...a))
          else runPglite(project, template, join(root, `pglite-${n}-${run}`), (...a) => add('pglite', n, ...a))
        }
      }
      rmSync(project.root, { recursive: true, force: true })
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  const { log: _log, ...options } = o
  return { options, rows: [...rows.values()], machine: machine(), peers, startedAt, loadBefore, loadAfter: loadAverage() }
}

type Add = (group: Group, label: string, sample: Sample, limit?: string, note?: string) => void

/**
 * Whether N migrations fit in ONE transaction: every table, index and TOAST relation created or
 * dropped holds a lock until COMMIT, and the shared lock table has max_locks_per_transaction ×
 * max_connections slots (64 × 100 by default, on the server and in PGlite alike): ~6 per
 * migration going up, ~8 going down (the dropped table's parent is locked too). Beyond that the
 * run fails with "out of shared memory", so the bench runs those cells per migration only.
 */
export const LOCK_SLOTS = 64 * 100
export function fitsOneTransaction(n: number, direction: 'up' | 'down'): boolean {
  return n * (direction === 'up' ? 6 : 8) <= LOCK_SLOTS
}

const sample = (r: RunOutput): Sample => ({ ms: r.ms, rssKb: r.rssKb, cpuMs: r.cpuMs })

function sqlmig(args: string[], cwd: string): RunOutput {
  return runMeasured(NODE, [BIN, ...args], { cwd, env: { DATABASE_URL: undefined } })
}

/** Fails the run unless the database is at the last revision. */
function expectCurrent(out: RunOutput, n: number): void {
  const current = (JSON.parse(out.stdout) as { current: string[] }).current
  if (current.length !== 1 || current[0] !== revisionOf(n)) throw new Error(`expected current ${revisionOf(n)}, got ${JSON.stringify(current)}`)
}

function runServer(o: BenchOptions, p: BenchProject, hasPsql: boolean, peers: Peers | undefined, run: number, add: Add): void {
  const withDb = (fn: (url: string) => void) => {
    const name = `sqlmig_bench_${process.pid}_${Date.now().toString(36)}`
    admin(o.serverUrl, `create database ${name}`)
    // Start every cell from a clean checkpoint: the WAL of the previous cell (thousands of new
    // tables) would otherwise be flushed in the middle of this one, by whichever tool runs next.
    settle(o.serverUrl)
    try {
      fn(urlFor(o.serverUrl, name))
    } finally {
      admin(o.serverUrl, `drop database if exists ${name} with (force)`)
    }
  }
  const psql = (url: string, args: string[]) => runMeasured('psql', ['-X', '-q', '-o', '/dev/null', '-v', 'ON_ERROR_STOP=1', ...args, url])
  const up1 = fitsOneTransaction(p.n, 'up')
  const down1 = fitsOneTransaction(p.n, 'down')
  // Each cell is a fresh database; the cells run in a different order each run (rotated by the
  // run number), so that no tool always follows the same one: the server's background work
  // after a cell (a dropped database with thousands of files) must not weigh on one tool only.
  const cells: Array<() => void> = []
  if (hasPsql) {
    if (up1) {
      cells.push(() => withDb((url) => {
        add('upgrade', LABELS.psqlOne, sample(psql(url, ['-1', '-f', p.allUp])))
        settle(o.serverUrl)
        if (down1) add('downgrade', LABELS.psqlDown, sample(psql(url, ['-1', '-f', p.allDown])))
      }))
    }
    if (!o.quick || !up1) {
      cells.push(() => withDb((url) => {
        add('upgrade', LABELS.psqlEach, sample(psql(url, ['-f', p.commitEach])))
        settle(o.serverUrl)
        add('downgrade', LABELS.psqlDownEach, sample(psql(url, ['-f', p.downCommitEach])))
      }))
    }
  }
  if (!o.quick || !up1) {
    cells.push(() => withDb((url) => {
      add('upgrade', LABELS.upgradeEach, sample(sqlmig(['upgrade', '--transaction', 'per-migration', '--url', url], p.sqlmig)), LABELS.psqlEach)
      settle(o.serverUrl)
      add('downgrade', LABELS.downgradeEach, sample(sqlmig(['downgrade', 'base', '--transaction', 'per-migration', '--url', url], p.sqlmig)), LABELS.psqlDownEach)
    }))
  }
  cells.push(() => withDb((url) => {
    add('upgrade', up1 ? LABELS.upgrade : LABELS.upgradeEach, sample(sqlmig(['upgrade', ...(up1 ? [] : ['--transaction', 'per-migration']), '--url', url], p.sqlmig)), up1 ? LABELS.psqlOne : LABELS.psqlEach)
    add('read', LABELS.nodeFloor, sample(runMeasured(NODE, ['-e', '0'])), LABELS.queryFloor)
    add('read', LABELS.queryFloor, sample(runMeasured(NODE, [ONE_QUERY_CHILD, url])))
    const cur = sqlmig(['current', '--json', '--url', url], p.sqlmig)
    expectCurrent(cur, p.n)
    add('read', LABELS.current, sample(cur), LABELS.queryFloor)
    add('read', LABELS.history, sample(sqlmig(['history', '--url', url], p.sqlmig)), LABELS.queryFloor)
    library(url, p, add)
    settle(o.serverUrl)
    if (down1) add('downgrade', LABELS.downgrade, sample(sqlmig(['downgrade', 'base', '--url', url], p.sqlmig)), LABELS.psqlDown)
  }))
  if (peers) {
    cells.push(() => withDb((url) => {
      const dbmate = (cmd: string) => runMeasured(peers.dbmate, ['--url', `${url}?sslmode=disable`, '--migrations-dir', p.dbmate, '--no-dump-schema', cmd])
      add('upgrade', LABELS.dbmate, sample(dbmate('up')), up1 ? LABELS.psqlOne : LABELS.psqlEach)
      add('read', LABELS.dbmateStatus, sample(dbmate('status')), LABELS.queryFloor)
    }))
    cells.push(() => withDb((url) => {
      // node-pg-migrate runs everything in one transaction by default; per migration when that cannot fit.
      const r = runMeasured(peers.nodePgMigrate, ['up', '-m', p.pgm, '--no-verbose', ...(up1 ? [] : ['--no-single-transaction'])], { env: { DATABASE_URL: url } })
      add('upgrade', up1 ? LABELS.pgm : `${LABELS.pgm} --no-single-transaction`, sample(r), up1 ? LABELS.psqlOne : LABELS.psqlEach)
    }))
  }
  const shift = (run - 1) % cells.length
  for (const cell of [...cells.slice(shift), ...cells.slice(0, shift)]) cell()
}

function runPglite(p: BenchProject, template: string, dir: string, add: Add): void {
  const url = `pglite:${dir}`
  cpSync(template, dir, { recursive: true })
  cpSync(template, `${dir}-exec`, { recursive: true })
  const up1 = fitsOneTransaction(p.n, 'up')
  try {
    if (up1) add('upgrade', LABELS.pgliteExec, sample(runMeasured(NODE, [PGLITE_EXEC_CHILD, `${dir}-exec`, p.allUp])))
  } finally {
    rmSync(`${dir}-exec`, { recursive: true, force: true })
  }
  try {
    add('upgrade', up1 ? LABELS.upgrade : LABELS.upgradeEach, sample(sqlmig(['upgrade', ...(up1 ? [] : ['--transaction', 'per-migration']), '--url', url], p.sqlmig)), up1 ? LABELS.pgliteExec : undefined)
    add('read', LABELS.nodeFloor, sample(runMeasured(NODE, ['-e', '0'])), LABELS.queryFloor)
    add('read', LABELS.queryFloor, sample(runMeasured(NODE, [ONE_QUERY_CHILD, url])))
    const cur = sqlmig(['current', '--json', '--url', url], p.sqlmig)
    expectCurrent(cur, p.n)
    add('read', LABELS.current, sample(cur), LABELS.queryFloor)
    add('read', LABELS.history, sample(sqlmig(['history', '--url', url], p.sqlmig)), LABELS.queryFloor)
    library(url, p, add)
    const down1 = fitsOneTransaction(p.n, 'down')
    add('downgrade', down1 ? LABELS.downgrade : LABELS.downgradeEach, sample(sqlmig(['downgrade', 'base', ...(down1 ? [] : ['--transaction', 'per-migration']), '--url', url], p.sqlmig)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The library call with nothing pending, in a fresh process (times from inside it). */
function library(url: string, p: BenchProject, add: Add): void {
  const r = runMeasured(NODE, [LIB_CHILD, url, p.sqlmig])
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as { importMs: number; firstMs: number; secondMs: number }
  add('library', LABELS.libImport, { ms: t.importMs, rssKb: undefined })
  add('library', LABELS.libFirst, { ms: t.firstMs, rssKb: r.rssKb }, undefined, 'in-process; RSS is the whole process')
  add('library', LABELS.libSecond, { ms: t.secondMs, rssKb: undefined })
}

/** CHECKPOINT (needs superuser or pg_checkpoint; skipped quietly without). */
function settle(url: string): void {
  spawnSync('psql', ['-X', '-q', '-c', 'checkpoint', url], { encoding: 'utf8' })
}

function admin(url: string, sql: string): void {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql, url], { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new Error(`"${sql}" failed on ${url}: ${r.stderr || r.error?.message}`)
}

function urlFor(serverUrl: string, database: string): string {
  const u = new URL(serverUrl)
  u.pathname = `/${database}`
  return u.toString()
}

function loadAverage(): number[] {
  try {
    // os.loadavg() is 0,0,0 on some platforms; /proc/loadavg is what uptime shows.
    return spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).map(Number)
  } catch {
    return []
  }
}

function machine(): string {
  const pg = spawnSync('psql', ['--version'], { encoding: 'utf8' }).stdout?.trim().replace(/^psql \(PostgreSQL\) /, '') || '?'
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, PostgreSQL ${pg} (psql)`
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`)

/** The least CPU (user + system) of a row's runs, if measured. */
function minCpu(row: Row): number | undefined {
  const cpu = row.samples.map((s) => s.cpuMs).filter((v): v is number => v !== undefined)
  return cpu.length ? Math.min(...cpu) : undefined
}

/** The result as a Markdown table: medians, minimums, ratio to the group's limit, client CPU, peak memory. */
export function renderTable(r: BenchResult): string {
  const byKey = new Map(r.rows.map((row) => [`${row.target}|${row.n}|${row.label}`, row]))
  const lines = [
    `| target | N | what | median | min | × limit | min CPU | peak RSS |`,
    `| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |`,
  ]
  for (const row of r.rows) {
    const ms = row.samples.map((s) => s.ms)
    const med = median(ms)
    const limit = row.limit ? byKey.get(`${row.target}|${row.n}|${row.limit}`) : undefined
    const ratio = limit ? (med / median(limit.samples.map((s) => s.ms))).toFixed(2) : row.label.endsWith('= limit') || row.label.endsWith('= floor') ? '1.00' : ''
    const rss = row.samples.map((s) => s.rssKb).filter((v): v is number => v !== undefined)
    const cpu = minCpu(row)
    lines.push(`| ${row.target} | ${row.n} | ${row.label} | ${fmtMs(med)} | ${fmtMs(Math.min(...ms))} | ${ratio} | ${cpu === undefined ? '' : fmtMs(cpu)} | ${rss.length ? `${Math.round(Math.max(...rss) / 1024)} MB` : ''} |`)
  }
  return lines.join('\n')
}

/** The issue's targets, checked against this run (only those the run measured). */
export function checkTargets(r: BenchResult): string[] {
  const med = (target: BenchTarget, n: number, label: string) => {
    const row = r.rows.find((x) => x.target === target && x.n === n && x.label === label)
    return row ? median(row.samples.map((s) => s.ms)) : undefined
  }
  const out: string[] = []
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const up1k = med('server', 1000, LABELS.upgrade)
  const psql1k = med('server', 1000, LABELS.psqlOne)
  const dbmate1k = med('server', 1000, LABELS.dbmate)
  if (up1k !== undefined && psql1k !== undefined) out.push(`upgrade 1,000 within 1.1x of psql -1 -f: ${(up1k / psql1k).toFixed(2)}x, ${verdict(up1k <= 1.1 * psql1k)}`)
  if (up1k !== undefined && dbmate1k !== undefined) out.push(`upgrade 1,000 (one transaction) faster than dbmate (a commit per migration): ${fmtMs(up1k)} vs ${fmtMs(dbmate1k)}, ${verdict(up1k < dbmate1k)}`)
  const each1k = med('server', 1000, LABELS.upgradeEach)
  if (each1k !== undefined && dbmate1k !== undefined) out.push(`upgrade --transaction per-migration 1,000 faster than dbmate, both committing each migration: ${fmtMs(each1k)} vs ${fmtMs(dbmate1k)}, ${verdict(each1k < dbmate1k)}`)
  const cpuOf = (label: string) => {
    const row = r.rows.find((x) => x.target === 'server' && x.n === 1000 && x.label === label)
    return row ? minCpu(row) : undefined
  }
  const [cpuEach, cpuUp, cpuDbmate] = [cpuOf(LABELS.upgradeEach), cpuOf(LABELS.upgrade), cpuOf(LABELS.dbmate)]
  if (cpuEach !== undefined && cpuDbmate !== undefined) out.push(`per-migration 1,000: client CPU within 2x of dbmate's: ${(cpuEach / cpuDbmate).toFixed(2)}x (min ${fmtMs(cpuEach)} vs ${fmtMs(cpuDbmate)}), ${verdict(cpuEach <= 2 * cpuDbmate)}`)
  if (cpuUp !== undefined && cpuDbmate !== undefined) out.push(`upgrade 1,000 (one transaction): client CPU within 1.5x of dbmate's: ${(cpuUp / cpuDbmate).toFixed(2)}x (min ${fmtMs(cpuUp)} vs ${fmtMs(cpuDbmate)}), ${verdict(cpuUp <= 1.5 * cpuDbmate)}`)
  for (const n of r.options.ns) {
    const cur = med('server', n, LABELS.current)
    const status = med('server', n, LABELS.dbmateStatus)
    if (cur !== undefined && status !== undefined) out.push(`server N=${n}: current within 1.3x of dbmate status: ${(cur / status).toFixed(2)}x, ${verdict(cur <= 1.3 * status)}`)
  }
  const psqlEach1k = med('server', 1000, LABELS.psqlEach)
  if (psql1k !== undefined && psqlEach1k !== undefined) {
    out.push(`  (the server itself: one transaction / a commit per migration, both by psql = ${(psql1k / psqlEach1k).toFixed(2)}; above 1, no single-transaction run can beat a tool that commits each migration)`)
  }
  for (const n of r.options.ns) {
    const lib = med('server', n, LABELS.libFirst)
    if (lib !== undefined) out.push(`server N=${n}: upgrade() with nothing to do under 50 ms: ${fmtMs(lib)} (1st call), ${verdict(lib < 50)}`)
    const cur = med('server', n, LABELS.current)
    const floor = med('server', n, LABELS.queryFloor)
    if (cur !== undefined && floor !== undefined) out.push(`server N=${n}: current within 1.5x of node + 1 query: ${(cur / floor).toFixed(2)}x, ${verdict(cur <= 1.5 * floor)}`)
  }
  for (const target of r.options.targets) {
    const a = med(target, 1000, LABELS.upgradeEach)
    const b = med(target, 10000, LABELS.upgradeEach)
    if (a !== undefined && b !== undefined) {
      out.push(`${target}: upgrade --transaction per-migration 1k → 10k no worse than linear: ${(b / a).toFixed(1)}x for 10x the migrations, ${verdict(b <= 10 * a * 1.1)}`)
      const pa = med(target, 1000, LABELS.psqlEach)
      const pb = med(target, 10000, LABELS.psqlEach)
      if (pa !== undefined && pb !== undefined) out.push(`  (the server itself, psql -f committing each: ${(pb / pa).toFixed(1)}x from 1k to 10k; sqlmig's time over psql's: ${(a / pa).toFixed(2)} at 1k, ${(b / pb).toFixed(2)} at 10k)`)
    }
    const rss = r.rows.filter((x) => x.target === target && x.n === 10000 && x.label.startsWith('sqlmig')).flatMap((x) => x.samples.map((s) => s.rssKb ?? 0))
    if (rss.length) out.push(`${target}: peak memory of sqlmig at 10k under 200 MB: ${Math.round(Math.max(...rss) / 1024)} MB, ${verdict(Math.max(...rss) < 200 * 1024)}`)
  }
  return out
}

/** Header lines: machine, load, settings. */
export function describeRun(r: BenchResult): string[] {
  const peers = r.peers ? Object.entries(r.peers.versions).map(([k, v]) => `${k} ${v}`).join(', ') : 'not run'
  return [
    `machine: ${r.machine}`,
    `load average (1/5/15 min): ${r.loadBefore.join(' ')} before, ${r.loadAfter.join(' ')} after`,
    `runs: ${r.options.runs} per cell (medians), N: ${r.options.ns.join(', ')}, targets: ${r.options.targets.join(', ')}, peers: ${peers}`,
    hasGnuTime ? 'peak RSS: /usr/bin/time %M of the process (psql and dbmate rows: the client only, not the server)' : 'peak RSS: not measured (install GNU time: apt-get install -y time)',
  ]
}
