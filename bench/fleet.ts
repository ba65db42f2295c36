/**
 * `node dist/bench/fleet.js [--dbs 200] [--migrations 20] [--concurrency 1,4,16]`: a fleet run of
 * `sqlmig upgrade --targets` over DBS server databases × MIGRATIONS migrations at each
 * concurrency, timed with /usr/bin/time (wall, client CPU, peak RSS of the sqlmig process). The
 * databases are made once (CREATE DATABASE … TEMPLATE) and emptied between runs. Also measured:
 * the bare connect cost (open + close of one session), to say where the time goes.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import postgres from 'postgres'
import { openDatabase } from '../src/db/open.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? dflt : process.argv[i + 1]!
}
const DBS = Number(arg('dbs', '200'))
const MIGRATIONS = Number(arg('migrations', '20'))
const CONCURRENCY = arg('concurrency', '1,4,16').split(',').map(Number)
const SERVER = process.env.SQLMIG_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const BIN = new URL('../src/cli/bin.js', import.meta.url).pathname
const urlFor = (db: string) => SERVER.replace(/\/[^/?]*(\?.*)?$/, `/${db}$1`).replace(/undefined$/, '')

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-bench-fleet-'))
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true })
  for (let i = 1; i <= MIGRATIONS; i++) {
    const id = `b${String(i).padStart(11, '0')}`
    const parent = i === 1 ? 'none' : `b${String(i - 1).padStart(11, '0')}`
    const stamp = `20261201${String(i).padStart(6, '0')}`
    writeFileSync(join(dir, 'migrations', 'versions', `${stamp}_${id}_m.up.sql`),
      `-- revision: ${id}\n-- down_revision: ${parent}\n-- message: m${i}\n\ncreate table t${i} (id bigint primary key, name text not null, at timestamptz default now());\ncreate index t${i}_name on t${i} (name);\n`)
    writeFileSync(join(dir, 'migrations', 'versions', `${stamp}_${id}_m.down.sql`), `-- revision: ${id}\n\ndrop table t${i};\n`)
  }
  return dir
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>) {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

async function main() {
  const sql = postgres(SERVER, { max: 8, onnotice: () => {} })
  const prefix = `bench_fleet_${process.pid}`
  const names = Array.from({ length: DBS }, (_, i) => `${prefix}_${String(i).padStart(4, '0')}`)
  const dir = project()
  const log = (s: string) => process.stderr.write(`[bench fleet] ${s}\n`)
  try {
    await sql.unsafe(`create database ${prefix}_tpl`)
    let t = Date.now()
    await inParallel(names, 8, (n) => sql.unsafe(`create database ${n} template ${prefix}_tpl`))
    log(`created ${DBS} databases in ${((Date.now() - t) / 1000).toFixed(1)} s`)
    writeFileSync(join(dir, 'targets.txt'), names.map(urlFor).join('\n') + '\n')
    // The bare cost of a session: connect, one query, close.
    t = performance.now()
    for (const n of names.slice(0, 20)) {
      const db = await openDatabase(urlFor(n), { arrays: false })
      await db.query('select 1')
      await db.close()
    }
    const connectMs = (performance.now() - t) / 20
    const rows: string[] = []
    for (const c of CONCURRENCY) {
      const timeFile = join(dir, 'time.txt')
      const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, BIN, 'upgrade', '--targets', 'targets.txt', '--concurrency', String(c), '--max-per-server', String(c), '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 })
      if (r.status !== 0) throw new Error(`upgrade failed (${r.status}): ${r.stderr.slice(-2000)}`)
      const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
      const out = JSON.parse(r.stdout)
      const targetMs = out.targets.reduce((s: number, x: { ms: number }) => s + x.ms, 0)
      if (out.ok !== DBS) throw new Error(`${out.failed} targets failed`)
      rows.push(`| ${c} | ${wall!.toFixed(1)} s | ${(DBS * MIGRATIONS / wall!).toFixed(0)} | ${(user! + sys!).toFixed(1)} s | ${(rssKb! / 1024).toFixed(0)} MB | ${(targetMs / DBS).toFixed(0)} ms |`)
      log(rows.at(-1)!)
      // Empty every database again for the next concurrency.
      await inParallel(names, 8, async (n) => {
        const db = postgres(urlFor(n), { max: 1, onnotice: () => {} })
        await db.unsafe(`drop schema public cascade; create schema public;`)
        await db.end({ timeout: 1 })
      })
    }
    console.log(`${DBS} databases × ${MIGRATIONS} migrations (each: CREATE TABLE + CREATE INDEX), one sqlmig process; connect + close of one session: ${connectMs.toFixed(0)} ms\n`)
    console.log('| --concurrency | wall | migrations/s | client CPU (user+sys) | peak RSS | mean per target |')
    console.log('|---|---|---|---|---|---|')
    for (const r of rows) console.log(r)
  } finally {
    await inParallel([...names, `${prefix}_tpl`], 8, (n) => sql.unsafe(`drop database if exists ${n} with (force)`).catch(() => {}))
    await sql.end({ timeout: 1 })
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
