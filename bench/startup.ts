/**
 * Start-up cost of the commands a user runs most, for one or more builds side by side (runs
 * interleaved, so load on the machine hits every build alike):
 *   - `sqlmig current` and `sqlmig history` at head, `sqlmig upgrade` with nothing to do,
 *     `sqlmig upgrade` of one pending migration (a fresh database each run), on the server;
 *   - the library's `upgrade()` with nothing to do, in a fresh process (bench/lib-upgrade.ts):
 *     the import plus the first call, and the first call alone.
 * With `--migrations N` the project is bench/generate.ts's N migrations, all applied (and
 * `dbmate status` on the same migrations, all applied by dbmate, runs beside them; the "1
 * pending" row is left out). Each row shows wall median / min and CPU (user + system) median.
 * Usage: node dist/bench/startup.js [--runs 10] [--migrations N] [--url postgres://...] [--build NAME=DIR ...]
 * A build DIR is a checkout after `npm run build` (default: this one, named "this").
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { buildsArgs } from './builds-args.ts'
import { generateProject } from './generate.ts'
import { median, runMeasured, type Sample } from './measure.ts'
import { defaultPeersDir, ensurePeers } from './peers.ts'

const { runs, builds, psql, dbUrl, opt } = buildsArgs(10)
const n = Number(opt('--migrations') ?? 0)

const root = mkdtempSync(join(tmpdir(), 'sqlmig-bench-startup-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
let project = root
let dbmateDir: string | undefined
if (n > 0) {
  const p = generateProject(join(root, 'p'), n)
  project = p.sqlmig
  dbmateDir = p.dbmate
} else {
  // A project of 10 migrations, and one more for the "one pending" row.
  mkdirSync(join(project, 'migrations', 'versions'), { recursive: true })
  for (let i = 1; i <= 11; i++) {
    const id = `st${String(i).padStart(10, '0')}`
    const parent = i === 1 ? 'none' : `st${String(i - 1).padStart(10, '0')}`
    writeFileSync(join(project, 'migrations', 'versions', `${String(i).padStart(4, '0')}_${id}.up.sql`), `-- revision: ${id}\n-- down_revision: ${parent}\n-- message: m${i}\ncreate table t${i} (id int primary key, note text);\n`)
    writeFileSync(join(project, 'migrations', 'versions', `${String(i).padStart(4, '0')}_${id}.down.sql`), `-- revision: ${id}\ndrop table t${i};\n`)
  }
}
const LAST_BUT_ONE = 'st0000000010'

const ROWS = ['dbmate status', 'sqlmig current', 'sqlmig history', 'sqlmig upgrade, nothing to do', 'sqlmig upgrade, 1 pending', 'upgrade() nothing to do, import + 1st call', 'upgrade() nothing to do, 1st call'] as const
type Row = typeof ROWS[number]
const samples = new Map<string, Sample[]>()
const add = (build: string, row: Row, s: Sample) => {
  const key = `${build}\t${row}`
  samples.set(key, [...(samples.get(key) ?? []), s])
}

const atHead = `sqlmig_bench_startup_head_${process.pid}`
const dbmateDb = `sqlmig_bench_startup_dbmate_${process.pid}`
const dbmate = dbmateDir ? ensurePeers(defaultPeersDir(), (line) => process.stderr.write(`${line}\n`)).dbmate : undefined
const dbmateArgs = (command: string) => ['--url', `${dbUrl(dbmateDb)}?sslmode=disable`, '--migrations-dir', dbmateDir!, '--no-dump-schema', command]
psql(`drop database if exists ${atHead}`)
psql(`create database ${atHead}`)
try {
  const first = builds[0]!
  // Per migration: one transaction of 10,000 migrations runs out of lock slots.
  runMeasured('node', [join(first.dir, 'dist/src/cli/bin.js'), 'upgrade', '--transaction', 'per-migration', '--url', dbUrl(atHead)], { cwd: project })
  if (dbmate) {
    psql(`drop database if exists ${dbmateDb}`)
    psql(`create database ${dbmateDb}`)
    runMeasured(dbmate, dbmateArgs('up'))
  }
  for (let r = 0; r < runs; r++) {
    if (dbmate) add('dbmate', 'dbmate status', runMeasured(dbmate, dbmateArgs('status')))
    for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
      const bin = join(b.dir, 'dist/src/cli/bin.js')
      add(b.name, 'sqlmig current', runMeasured('node', [bin, 'current', '--url', dbUrl(atHead)], { cwd: project }))
      add(b.name, 'sqlmig history', runMeasured('node', [bin, 'history', '--url', dbUrl(atHead)], { cwd: project }))
      add(b.name, 'sqlmig upgrade, nothing to do', runMeasured('node', [bin, 'upgrade', '--url', dbUrl(atHead)], { cwd: project }))
      if (n === 0) {
        const fresh = `sqlmig_bench_startup_${process.pid}_${r}`
        psql(`drop database if exists ${fresh}`)
        psql(`create database ${fresh}`)
        try {
          runMeasured('node', [bin, 'upgrade', LAST_BUT_ONE, '--url', dbUrl(fresh)], { cwd: project })
          add(b.name, 'sqlmig upgrade, 1 pending', runMeasured('node', [bin, 'upgrade', '--url', dbUrl(fresh)], { cwd: project }))
        } finally {
          psql(`drop database if exists ${fresh}`)
        }
      }
      const lib = runMeasured('node', [join(b.dir, 'dist/bench/lib-upgrade.js'), dbUrl(atHead), project], { cwd: project })
      const { importMs, firstMs } = JSON.parse(lib.stdout) as { importMs: number; firstMs: number }
      add(b.name, 'upgrade() nothing to do, import + 1st call', { ms: importMs + firstMs, rssKb: undefined })
      add(b.name, 'upgrade() nothing to do, 1st call', { ms: firstMs, rssKb: undefined })
    }
  }
} finally {
  psql(`drop database if exists ${atHead}`)
  if (dbmate) psql(`drop database if exists ${dbmateDb}`)
}

const cell = (xs: Sample[]) => {
  if (xs.length === 0) return ''
  const cpu = xs.map((x) => x.cpuMs).filter((c): c is number => c !== undefined)
  return `${Math.round(median(xs.map((x) => x.ms)))} / ${Math.round(Math.min(...xs.map((x) => x.ms)))} ms${cpu.length ? ` (CPU ${Math.round(median(cpu))})` : ''}`
}
const dbmateMedian = median((samples.get('dbmate\tdbmate status') ?? [{ ms: Number.NaN, rssKb: undefined }]).map((x) => x.ms))
console.log(`${n > 0 ? `${n} migrations, all applied` : '10 migrations'}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`)
console.log(`| what | ${builds.map((b) => `${b.name}: wall median / min (CPU median)`).join(' | ')} |`)
console.log(`| --- | ${builds.map(() => '---:').join(' | ')} |`)
for (const row of ROWS) {
  const cells = row === 'dbmate status' ? builds.map((_, i) => (i === 0 ? cell(samples.get('dbmate\tdbmate status') ?? []) : '')) : builds.map((b) => {
    const xs = samples.get(`${b.name}\t${row}`) ?? []
    const ratio = (row === 'sqlmig current' || row === 'sqlmig history') && Number.isFinite(dbmateMedian) && xs.length ? ` = ${(median(xs.map((x) => x.ms)) / dbmateMedian).toFixed(2)}x dbmate` : ''
    return `${cell(xs)}${ratio}`
  })
  if (cells.every((c) => c === '')) continue
  console.log(`| ${row} | ${cells.join(' | ')} |`)
}
