/**
 * Client CPU (user + system, from GNU time) of two or more builds side by side on the server, runs
 * interleaved and rotated so that load on the machine hits every build alike; the minimum is the
 * figure to read on a loaded machine (wall time there says more about the neighbours):
 *   - `sqlmig upgrade --transaction per-migration` of N migrations (a fresh database each run);
 *   - `sqlmig current` and `sqlmig upgrade` with nothing to do, at head.
 * Usage: node dist/bench/cpu.js [--n 1000] [--runs 3] [--url postgres://...] [--build NAME=DIR ...]
 * A build DIR holds dist/ after `npm run build` (default: this checkout, named "this").
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { buildsArgs } from './builds-args.ts'
import { generateProject } from './generate.ts'
import { hasGnuTime, runMeasured } from './measure.ts'

const { opt, runs, builds, psql, dbUrl } = buildsArgs(3)
const n = Number(opt('--n') ?? 1000)
if (!hasGnuTime) throw new Error('bench/cpu needs /usr/bin/time (GNU time) to read user and system CPU')

const root = mkdtempSync(join(tmpdir(), 'sqlmig-bench-cpu-'))
const project = generateProject(root, n).sqlmig
const samples = new Map<string, number[]>()
const add = (build: string, row: string, cpuMs: number | undefined) => {
  const key = `${build}\t${row}`
  samples.set(key, [...(samples.get(key) ?? []), cpuMs ?? NaN])
}
const fresh = (name: string) => {
  psql(`drop database if exists ${name}`)
  psql(`create database ${name}`)
}

const atHead = `sqlmig_bench_cpu_head_${process.pid}`
const each = `sqlmig_bench_cpu_each_${process.pid}`
const rowEach = `upgrade --transaction per-migration, ${n}`
try {
  fresh(atHead)
  runMeasured('node', [join(builds[0]!.dir, 'dist/src/cli/bin.js'), 'upgrade', '--url', dbUrl(atHead)], { cwd: project })
  for (let r = 0; r < runs; r++) {
    const order = builds.map((_, i) => builds[(i + r) % builds.length]!)
    for (const b of order) {
      const bin = join(b.dir, 'dist/src/cli/bin.js')
      add(b.name, `current, ${n} applied`, runMeasured('node', [bin, 'current', '--url', dbUrl(atHead)], { cwd: project }).cpuMs)
      add(b.name, `upgrade, nothing to do, ${n}`, runMeasured('node', [bin, 'upgrade', '--url', dbUrl(atHead)], { cwd: project }).cpuMs)
      fresh(each)
      add(b.name, rowEach, runMeasured('node', [bin, 'upgrade', '--transaction', 'per-migration', '--url', dbUrl(each)], { cwd: project }).cpuMs)
    }
  }
} finally {
  psql(`drop database if exists ${atHead}`)
  psql(`drop database if exists ${each}`)
  rmSync(root, { recursive: true, force: true })
}

console.log(`| build | what | min CPU (user+sys) | median CPU | per migration (min) |`)
console.log(`| --- | --- | ---: | ---: | ---: |`)
for (const [key, values] of samples) {
  const [build, row] = key.split('\t')
  const sorted = [...values].sort((a, b) => a - b)
  const min = sorted[0]!
  const med = sorted[Math.floor(sorted.length / 2)]!
  const per = row === rowEach ? `${((min * 1000) / n).toFixed(0)} µs` : ''
  console.log(`| ${build} | ${row} | ${min} ms | ${med} ms | ${per} |`)
}
