/**
 * Start-up cost of the commands a user runs most, for one or more builds side by side (runs
 * interleaved, so load on the machine hits every build alike):
 *   - `sqlmig current` at head, `sqlmig upgrade` with nothing to do, `sqlmig upgrade` of one
 *     pending migration (a fresh database each run), on the server;
 *   - the library's `upgrade()` with nothing to do, in a fresh process (bench/lib-upgrade.ts).
 * Usage: node dist/bench/startup.js [--runs 10] [--url postgres://...] [--build NAME=DIR ...]
 * A build DIR is a checkout after `npm run build` (default: this one, named "this").
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { buildsArgs } from './builds-args.ts'
import { runMeasured } from './measure.ts'

const { runs, builds, psql, dbUrl } = buildsArgs(10)

// A project of 10 migrations, and one more for the "one pending" row.
const project = mkdtempSync(join(tmpdir(), 'sqlmig-bench-startup-'))
process.on('exit', () => rmSync(project, { recursive: true, force: true }))
mkdirSync(join(project, 'migrations', 'versions'), { recursive: true })
for (let i = 1; i <= 11; i++) {
  const id = `st${String(i).padStart(10, '0')}`
  const parent = i === 1 ? 'none' : `st${String(i - 1).padStart(10, '0')}`
  writeFileSync(join(project, 'migrations', 'versions', `${String(i).padStart(4, '0')}_${id}.up.sql`), `-- revision: ${id}\n-- down_revision: ${parent}\n-- message: m${i}\ncreate table t${i} (id int primary key, note text);\n`)
  writeFileSync(join(project, 'migrations', 'versions', `${String(i).padStart(4, '0')}_${id}.down.sql`), `-- revision: ${id}\ndrop table t${i};\n`)
}
const LAST_BUT_ONE = 'st0000000010'

type Row = 'current' | 'upgrade, nothing to do' | 'upgrade, 1 pending' | 'upgrade() nothing to do, 1st call'
const samples = new Map<string, number[]>()
const add = (build: string, row: Row, ms: number) => {
  const key = `${build}\t${row}`
  samples.set(key, [...(samples.get(key) ?? []), ms])
}

const atHead = `sqlmig_bench_startup_head_${process.pid}`
psql(`drop database if exists ${atHead}`)
psql(`create database ${atHead}`)
try {
  const first = builds[0]!
  runMeasured('node', [join(first.dir, 'dist/src/cli/bin.js'), 'upgrade', '--url', dbUrl(atHead)], { cwd: project })
  for (let r = 0; r < runs; r++) {
    for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
      const bin = join(b.dir, 'dist/src/cli/bin.js')
      add(b.name, 'current', runMeasured('node', [bin, 'current', '--url', dbUrl(atHead)], { cwd: project }).ms)
      add(b.name, 'upgrade, nothing to do', runMeasured('node', [bin, 'upgrade', '--url', dbUrl(atHead)], { cwd: project }).ms)
      const fresh = `sqlmig_bench_startup_${process.pid}_${r}`
      psql(`drop database if exists ${fresh}`)
      psql(`create database ${fresh}`)
      try {
        runMeasured('node', [bin, 'upgrade', LAST_BUT_ONE, '--url', dbUrl(fresh)], { cwd: project })
        add(b.name, 'upgrade, 1 pending', runMeasured('node', [bin, 'upgrade', '--url', dbUrl(fresh)], { cwd: project }).ms)
      } finally {
        psql(`drop database if exists ${fresh}`)
      }
      const lib = runMeasured('node', [join(b.dir, 'dist/bench/lib-upgrade.js'), dbUrl(atHead), project], { cwd: project })
      add(b.name, 'upgrade() nothing to do, 1st call', JSON.parse(lib.stdout).firstMs + JSON.parse(lib.stdout).importMs)
    }
  }
} finally {
  psql(`drop database if exists ${atHead}`)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`| what | ${builds.map((b) => `${b.name} median / min`).join(' | ')} |`)
console.log(`| --- | ${builds.map(() => '---:').join(' | ')} |`)
for (const row of ['current', 'upgrade, nothing to do', 'upgrade, 1 pending', 'upgrade() nothing to do, 1st call'] as Row[]) {
  const cells = builds.map((b) => {
    const xs = samples.get(`${b.name}\t${row}`) ?? []
    return `${Math.round(median(xs))} / ${Math.round(Math.min(...xs))} ms`
  })
  console.log(`| ${row === 'upgrade() nothing to do, 1st call' ? 'upgrade() nothing to do, import + 1st call' : `sqlmig ${row}`} | ${cells.join(' | ')} |`)
}
