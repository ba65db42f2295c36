import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CORPUS } from './corpus/index.ts'
import { openBench, roundTrip, selectCases, type Bench } from './harness.ts'
import { checkRandomEdits } from './property-check.ts'

let bench: Bench
test.before(async () => { bench = await openBench('pglite') })
test.after(async () => { await bench.close() })

for (const c of selectCases(CORPUS.filter((c) => !c.serverOnly))) {
  test(`pglite: up and down round-trip when ${c.name}`, async () => {
    const { problems } = await roundTrip(bench, c)
    assert.ok(problems.length === 0, problems.join('\n'))
  })
}

if (!process.env.SQLMIG_CORPUS) test('pglite: random sequences of schema edits round-trip up and down (seeded)', async () => {
  const failures = await checkRandomEdits(bench, [5, 6, 7], 4)
  assert.ok(failures.length === 0, failures.join('\n\n'))
})

test.run()
