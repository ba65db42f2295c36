/**
 * `npm run build && node dist/bench/lint-vs-squawk.js`: sqlmig lint and squawk (npm squawk-cli,
 * installed by the bench into a scratch folder, never into this project) on the proof corpus's
 * statements (test/lint/corpus.ts), each as a migration of its own run in a transaction
 * (squawk --assume-in-transaction, as sqlmig runs files).
 *
 * A statement is harmful (the issue's goal: no false negative on rewrites and ACCESS EXCLUSIVE on
 * tables with rows) when PostgreSQL rewrites an existing table, reads one in full while holding a
 * lock that blocks its writes (SHARE or stronger), takes ACCESS EXCLUSIVE on one with no
 * lock_timeout set (every query queues behind the wait), or refuses it in a transaction (25001).
 * Momentary weaker locks (a NOT VALID foreign key, CREATE TRIGGER) count as harmless. That label comes from
 * src/lint/effects.ts, which test/lint/corpus.test.ts proves equal to the server's measured
 * behaviour on every entry. A tool flags a statement when it reports anything about it
 * (errors and warnings), leaving out squawk's style rules that are about neither locks nor
 * rewrites (listed in STYLE).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effectsOf } from '../src/lint/effects.ts'
import { lintFiles } from '../src/lint/engine.ts'
import type { LintStatement } from '../src/lint/lint-model.ts'
import { LOCK_MODES } from '../src/lint/locks.ts'
import { tableKey } from '../src/lint/nodes.ts'
import { loadParser } from '../src/lint/parser.ts'
import { outsideTransactionOnly } from '../src/lint/rules/transactions.ts'
import { newContext, record } from '../src/lint/state.ts'
import { confusion, precision, recall, tally } from '../test/lint/confusion.ts'
import { BEFORE, STATEMENTS } from '../test/lint/corpus.ts'

export const SQUAWK_VERSION = '2.66.0'
const STYLE = new Set(['prefer-robust-stmts', 'prefer-bigint-over-int', 'prefer-bigint-over-smallint', 'prefer-identity', 'prefer-text-field', 'prefer-timestamptz', 'require-statement-timeout', 'ban-char-field', 'prefer-big-int'])

function ensureSquawk(dir: string): string {
  const bin = join(dir, 'node_modules', '.bin', 'squawk')
  const pkg = join(dir, 'node_modules', 'squawk-cli', 'package.json')
  if (!existsSync(pkg) || (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version !== SQUAWK_VERSION) {
    mkdirSync(dir, { recursive: true })
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"sqlmig-bench-squawk","private":true}\n')
    console.log(`installing squawk-cli@${SQUAWK_VERSION} into ${dir}`)
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `squawk-cli@${SQUAWK_VERSION}`], { cwd: dir, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`npm install squawk-cli failed:\n${r.stderr}`)
  }
  return bin
}

const parse = await loadParser()
function harmful(sql: string): boolean {
  const ctx = newContext(false)
  for (const s of parse(BEFORE)) record(s, ctx, 0, false)
  let bad = false
  for (const s of parse(sql)) {
    if (outsideTransactionOnly(s as LintStatement)) bad = true
    for (const e of effectsOf(s, ctx)) {
      if (ctx.createdTables.has(tableKey(e.table))) continue
      if (e.rewrite || e.empties || (e.scan && LOCK_MODES.indexOf(e.lock) >= LOCK_MODES.indexOf('SHARE')) || (e.lock === 'ACCESS EXCLUSIVE' && !ctx.lockTimeout)) bad = true
    }
    record(s, ctx, 1)
  }
  return bad
}

const work = mkdtempSync(join(tmpdir(), 'sqlmig-squawk-'))
try {
  const squawk = ensureSquawk(join(tmpdir(), 'sqlmig-bench-squawk'))
  const files = STATEMENTS.map((sql, i) => {
    const path = join(work, `${String(i + 1).padStart(3, '0')}.sql`)
    writeFileSync(path, `${sql};\n`)
    return path
  })
  const t0 = performance.now()
  const out = spawnSync(squawk, ['--assume-in-transaction', '--reporter', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const squawkMs = performance.now() - t0
  const reports = JSON.parse(out.stdout || '[]') as { file: string; rule_name: string }[]
  const flaggedBySquawk = new Set(reports.filter((r) => !STYLE.has(r.rule_name)).map((r) => r.file))

  const rows = new Map([['users', 300], ['accounts', 300], ['mv', 300]])
  const scores = { 'sqlmig lint (no database)': confusion(), 'sqlmig lint --url (schema and sizes)': confusion(), [`squawk ${SQUAWK_VERSION}`]: confusion() }
  const misses: string[] = []
  const t1 = performance.now()
  for (const [i, sql] of STATEMENTS.entries()) {
    const bad = harmful(sql)
    const file = { path: files[i]!, text: `${sql};\n`, transaction: true }
    const alone = (await lintFiles([file])).findings.length > 0
    const sized = (await lintFiles([file], { schema: [{ path: 'before', text: BEFORE, transaction: true }], sizes: rows })).findings.length > 0
    const sq = flaggedBySquawk.has(files[i]!)
    tally(scores['sqlmig lint (no database)'], alone, bad)
    tally(scores['sqlmig lint --url (schema and sizes)'], sized, bad)
    tally(scores[`squawk ${SQUAWK_VERSION}`], sq, bad)
    if (bad !== sized || bad !== sq) misses.push(`${bad ? 'harmful' : 'harmless'}  lint${sized ? '+' : '-'} squawk${sq ? '+' : '-'}  ${sql}`)
  }
  const lintMs = performance.now() - t1
  console.log(`${STATEMENTS.length} statements; squawk ${squawkMs.toFixed(0)} ms (one process), lint ${lintMs.toFixed(0)} ms (in process, both modes)\n`)
  console.log('| tool | flagged harmful (TP) | flagged harmless (FP) | missed harmful (FN) | quiet on harmless (TN) | precision | recall |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const [name, s] of Object.entries(scores)) console.log(`| ${name} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.tn} | ${precision(s)} | ${recall(s)} |`)
  console.log(`\nwhere they differ from the label:\n${misses.map((m) => `  ${m}`).join('\n')}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
