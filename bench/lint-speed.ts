/**
 * `npm run build && node dist/bench/lint-speed.js [--runs 5]`: how long `sqlmig lint` takes on
 * 1,000 migrations (target: under 2 s).
 *   lintFiles, 1,000 migrations   in one process, the parser loaded: the bench project's
 *                                 migrations (bench/generate.ts) followed by 1,000 that change
 *                                 existing tables (the corpus statements, each on its own table)
 *   sqlmig lint --all             the CLI on the 1,000 bench migrations on disk: Node start,
 *                                 reading the files, loading libpg-query, linting, printing
 * Each row prints the minimum and the median of the runs.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { type LintFile, lintFiles } from '../src/lint/engine.ts'
import { STATEMENTS } from '../test/lint/corpus.ts'
import { generateProject, upSql } from './generate.ts'

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5)
const N = 1000

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b)
  return `min ${s[0]!.toFixed(0)} ms, median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms`
}

const created: LintFile[] = Array.from({ length: N }, (_, i) => ({ path: `c${i}.up.sql`, text: upSql(i + 1), transaction: true }))
const altering: LintFile[] = Array.from({ length: N }, (_, i) => ({
  path: `a${i}.up.sql`,
  text: `${STATEMENTS[i % STATEMENTS.length]!.replace(/\baccounts\b/g, `accounts_${i}`)};\n`,
  transaction: !/CONCURRENTLY|VACUUM/.test(STATEMENTS[i % STATEMENTS.length]!),
}))

await lintFiles(created.slice(0, 1)) // loads the parser
for (const [name, files] of [['lintFiles, 1,000 new-table migrations', created], ['lintFiles, 1,000 migrations altering existing tables', altering]] as const) {
  const times: number[] = []
  let findings = 0
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    findings = (await lintFiles([...files])).findings.length
    times.push(performance.now() - t0)
  }
  console.log(`${name.padEnd(56)} ${stats(times)} (${findings} findings)`)
}

const root = mkdtempSync(join(tmpdir(), 'sqlmig-lint-bench-'))
try {
  const p = generateProject(join(root, 'p'), N)
  const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url))
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    const out = spawnSync(process.execPath, [bin, 'lint', '--all'], { cwd: p.sqlmig, encoding: 'utf8' })
    times.push(performance.now() - t0)
    if (out.status !== 0 && out.status !== 1) throw new Error(out.stderr)
  }
  console.log(`${'sqlmig lint --all, 1,000 migrations on disk (whole CLI)'.padEnd(56)} ${stats(times)}`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
