// Runs every compiled test file (dist/test/**/*.test.js) in its own Node process, three at a
// time by default, and prints uvu's output followed by one closing line "N passed, N failed" for CI.
// Usage: node test/run.mjs [substring filter...]
import { spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import process from 'node:process'
import { suiteFiguresReport } from './readme-figures.mjs'

const root = new URL('../dist/test/', import.meta.url).pathname
const filters = process.argv.slice(2)
const files = []
;(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (name.endsWith('.test.js')) files.push(p)
  }
})(root)
// Filters match the path under test/ ("fleet/", "test/fleet/"), never the checkout's own folder names.
const underTest = (f) => `test/${relative(root, f)}`
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => underTest(f).includes(s)))
// Three at a time on two cores: many files spend much of their time waiting (on the server,
// on child processes, on sleeps in lock and crash tests), and the slowest start first (in the
// order of their times in a full run: the last files to start are then the short ones).
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 3)
const SLOW_FIRST = ['schema/corpus-pglite', 'schema/corpus-postgres', 'cli/hints-work', 'team/verify-every-revision', 'pack/tarball', 'cli/config', 'cli/workflow', 'db/pglite-extensions', 'runner/run', 'schema/column-order', 'safety/transaction-control', 'safety/load-checks', 'deno/cli-parity', 'team/branches', 'cli/autogen-target', 'team/verify', 'db/pglite-image', 'safety/crash', 'cli/autogen', 'safety/pglite-lock', 'schema/redeparse', 'safety/cli-contract', 'cli/first-hour-state', 'rehearse/pglite', 'import/switch-sqitch', 'safety/connections', 'rehearse/rehearse-server', 'safety/history']
const rank = (f) => {
  const i = SLOW_FIRST.findIndex((s) => f.includes(s))
  return i < 0 ? SLOW_FIRST.length : i
}
selected.sort((a, b) => rank(a) - rank(b))
let passed = 0, failed = 0, skipped = 0
// Scratch space the files of this run share (test/helpers/targets.ts keeps its PGlite template
// there, and sqlmig its cached empty cluster: SQLMIG_CACHE_DIR, see src/db/pglite-image.ts).
// On a memory filesystem when there is one (TEST_TMPDIR overrides), and test/helpers/targets.ts
// makes its PGlite targets in it: a PGlite data directory is ~970 files, and copying the
// template on the disk's filesystem cost 0.7-0.8 s of kernel CPU, against 0.04 s on tmpfs.
// (Not the test processes' TMPDIR: Deno asks for --allow-all for any path under /dev, so a
// project folder there fails the Deno tests that deny a read.)
const scratchRoot = process.env.TEST_TMPDIR ?? (isWritableDir('/dev/shm') ? '/dev/shm' : tmpdir())
const runTmp = mkdtempSync(join(scratchRoot, 'sqlmig-test-run-'))
function isWritableDir(dir) {
  try {
    accessSync(dir, constants.W_OK)
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}
const crashed = []
const strip = (s) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')

/**
 * V8 flags of the test processes (and, through test/helpers/cli.ts, of the CLI they run).
 * --liftoff-only: PGlite's WASM is compiled by V8's baseline compiler only, not recompiled by
 * TurboFan once hot. It chooses a compiler, not what the code does (WebAssembly's results do not
 * depend on the tier); sqlmig itself sets it for its in-memory instances (PGLITE_WASM_FLAGS in
 * src/db/pglite.ts), and no test asserts time or memory. A CLI child opening a PGlite data
 * directory costs 1.3 s of CPU without it, 0.8 s with it: TurboFan's compiles on the second core.
 * TEST_NODE_FLAGS='' runs without.
 */
const nodeFlags = (process.env.TEST_NODE_FLAGS ?? '--liftoff-only').split(' ').filter(Boolean)

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [...nodeFlags, file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', SQLMIG_TEST_TMP: runTmp, SQLMIG_CACHE_DIR: process.env.SQLMIG_CACHE_DIR ?? join(runTmp, 'cache') } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => {
      const text = strip(out)
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN)
      const ok = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN)
      const skip = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0)
      const name = relative(root, file)
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      if (Number.isNaN(total)) {
        crashed.push(name)
        failed += 1
        process.stdout.write(`\n--- ${name} (${secs}s): crashed with exit code ${code}\n${out}\n`)
      } else {
        passed += ok
        skipped += skip
        failed += total - ok - skip
        const bad = total - ok - skip > 0 || code !== 0
        if (bad && total - ok - skip === 0) { failed += 1; crashed.push(name) }
        process.stdout.write(`\n--- ${name} (${secs}s): ${ok}/${total} passed${skip ? `, ${skip} skipped` : ''}\n`)
        // One-line notes from passing files: skipped targets ("skipping ...") and measurements ("note: ...").
        for (const line of text.split('\n')) if (/^(skipping |note: )/.test(line)) process.stdout.write(`    ${line}\n`)
        if (bad || process.env.TEST_VERBOSE) process.stdout.write(out + '\n')
      }
      resolve()
    })
  })
}

const runStarted = Date.now()
const queue = [...selected]
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (queue.length) await runOne(queue.shift())
}))
rmSync(runTmp, { recursive: true, force: true })
if (crashed.length) console.log(`\nfailed files: ${crashed.join(', ')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
// A full run checks the README's figures on the suite (test/readme-figures.mjs).
let figuresFailed = false
if (filters.length === 0 && failed === 0) {
  const report = suiteFiguresReport(new URL('../README.md', import.meta.url).pathname, { tests: passed + skipped, minutes: (Date.now() - runStarted) / 60_000 }, process.env.SQLMIG_UPDATE_README === '1')
  for (const line of report.lines) console.log(line)
  figuresFailed = report.failed
}
process.exitCode = failed > 0 || figuresFailed || selected.length === 0 ? 1 : 0
