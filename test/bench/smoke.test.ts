/**
 * Keeps the benchmark from rotting: runs it at N = 10, one run, without the peers (no network),
 * and checks that the harness works, never the timings.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkTargets, LABELS, renderTable, runBench } from '../../bench/bench.ts'
import { generateProject, revisionOf } from '../../bench/generate.ts'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVER_URL, serverAvailable } from '../helpers/targets.ts'

test('generateProject() writes the same migrations for sqlmig, dbmate, node-pg-migrate and psql', () => {
  const root = mkdtempSync(join(tmpdir(), 'sqlmig-bench-gen-'))
  try {
    const p = generateProject(join(root, 'p'), 3)
    const versions = readdirSync(join(p.sqlmig, 'migrations', 'versions')).sort()
    assert.is(versions.length, 6)
    const up3 = readFileSync(join(p.sqlmig, 'migrations', 'versions', versions.find((v) => v.includes(revisionOf(3)) && v.endsWith('.up.sql'))!), 'utf8')
    assert.match(up3, `-- down_revision: ${revisionOf(2)}`)
    assert.match(up3, 'references t_00002 (id)')
    assert.is(readdirSync(p.dbmate).length, 3)
    assert.is(readdirSync(p.pgm).length, 3)
    assert.is(readFileSync(p.commitEach, 'utf8').match(/^commit;$/gm)?.length, 3)
    assert.ok(readFileSync(p.allDown, 'utf8').startsWith('drop table t_00003;'))
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

// On the server when there is one (CI), else on PGlite: each PGlite process pays the WASM start,
// and both targets together take over a minute on a busy 2-core machine.
test('the bench runs end to end at N = 10 and prints its table', async () => {
  const targets = (await serverAvailable()) ? (['server'] as const) : (['pglite'] as const)
  const r = await runBench({ ns: [10], runs: 1, targets: [...targets], peers: false, quick: true, serverUrl: SERVER_URL, peersDir: '', log: () => {} })
  const labels = (t: string) => r.rows.filter((x) => x.target === t).map((x) => x.label)
  for (const t of targets) {
    for (const l of [LABELS.upgrade, LABELS.current, LABELS.history, LABELS.downgrade, LABELS.libFirst, LABELS.queryFloor]) assert.ok(labels(t).includes(l), `${t}: ${l}`)
  }
  assert.ok(r.rows.every((x) => x.samples.length === 1 && x.samples[0]!.ms > 0))
  const table = renderTable(r)
  assert.match(table, '| target | N | what | median | min | × limit | min CPU | peak RSS |')
  assert.match(table, `| ${targets[0]} | 10 | ${LABELS.upgrade} |`)
  if (targets[0] === 'server') assert.ok(checkTargets(r).some((l) => l.startsWith('server N=10: current')))
})

test.run()
