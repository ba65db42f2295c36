import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { targetKinds } from '../helpers/targets.ts'
import { CORPUS } from './corpus/index.ts'
import { openBench, roundTrip, type Bench } from './harness.ts'

if ((await targetKinds()).includes('postgres')) {
  let bench: Bench
  test.before(async () => { bench = await openBench('postgres') })
  test.after(async () => { await bench.close() })
  for (const c of CORPUS) {
    test(`postgres: up and down round-trip, judged by the model and by pg_dump, when ${c.name}`, async () => {
      const { problems } = await roundTrip(bench, c, { oracle: true })
      assert.ok(problems.length === 0, problems.join('\n'))
    })
  }
}

test.run()
