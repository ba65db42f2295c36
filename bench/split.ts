/**
 * `npm run build && node dist/bench/split.js [--runs 7]`: the splitter's speed and what reading
 * a script directory costs, in one process (no database).
 *   split, bench migrations   the up SQL of 1,000 bench migrations (bench/generate.ts) as one text
 *   split, routines           CREATE FUNCTION with BEGIN ATOMIC, CASE, $$ bodies, DO blocks
 *   loadScripts, 10,000 files 5,000 up/down pairs in memory: headers, pairing and the load-time checks
 * Each row prints the minimum and the median of the runs (on a shared machine the minimum is the
 * steadier figure), and MB/s at the minimum for the split rows.
 */
import process from 'node:process'
import { loadScripts } from '../src/files/script-directory.ts'
import { MemorySource } from '../src/files/memory-source.ts'
import { splitStatementsWithOffsets } from '../src/sql/split.ts'
import { downSql, revisionOf, upSql } from './generate.ts'

function routine(i: number): string {
  return [
    `create or replace function f_${i}(x int) returns int language sql immutable`,
    `set search_path = public`,
    `begin atomic`,
    `  select case when x > ${i} then 1 when x < 0 then case x when -1 then 2 end else 0 end;`,
    `  select ${i};`,
    `end;`,
    `create function g_${i}() returns trigger language plpgsql as $$ begin if new.a is null then new.a := ${i}; end if; return new; end $$;`,
    `do $body$ begin perform f_${i}(1); end $body$;`,
    `create or replace procedure p_${i}() language sql begin atomic insert into t values (${i}); end;`,
    `create function r_${i}() returns int return case ${i} when 1 then 1 end;`,
    '',
  ].join('\n')
}

function timeIt(runs: number, fn: () => void): { median: number; min: number } {
  fn() // warm up the JIT
  const samples: number[] = []
  for (let r = 0; r < runs; r++) {
    const started = performance.now()
    fn()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]! }
}

const runsAt = process.argv.indexOf('--runs')
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 7
const texts = {
  'split, bench migrations': Array.from({ length: 1000 }, (_, i) => upSql(i + 1)).join(''),
  'split, routines': Array.from({ length: 2000 }, (_, i) => routine(i)).join(''),
}
for (const [name, sql] of Object.entries(texts)) {
  let count = 0
  const t = timeIt(runs, () => { count = splitStatementsWithOffsets(sql).length })
  const mb = Buffer.byteLength(sql) / 1e6
  console.log(`${name}: ${count} statements, ${mb.toFixed(1)} MB: min ${t.min.toFixed(1)} ms (${(mb / (t.min / 1000)).toFixed(0)} MB/s), median ${t.median.toFixed(1)} ms`)
}
const files: Record<string, string> = {}
for (let i = 1; i <= 5000; i++) {
  const base = `m/versions/${String(i).padStart(5, '0')}_${revisionOf(i)}`
  files[`${base}.up.sql`] = `-- revision: ${revisionOf(i)}\n-- down_revision: ${i > 1 ? revisionOf(i - 1) : 'none'}\n-- message: m${i}\n\n${upSql(i)}`
  files[`${base}.down.sql`] = `-- revision: ${revisionOf(i)}\n\n${downSql(i)}`
}
const source = new MemorySource(files)
const load = timeIt(runs, () => { loadScripts(source, 'm') })
console.log(`loadScripts, 10,000 files: min ${load.min.toFixed(1)} ms, median ${load.median.toFixed(1)} ms`)
