/**
 * The corpus on the PostgreSQL server, in shards (corpus-postgres-<n>of<m>.test.ts, one process
 * and one pair of databases each): shard n takes the cases whose index in the corpus is n-1
 * modulo m, the last shard also the seeded random edits. A case's index also decides whether
 * pg_dump judges it, so the same cases are judged whatever the number of shards.
 */
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { targetKinds } from '../helpers/targets.ts'
import { CORPUS } from './corpus/index.ts'
import { openBench, roundTrip, selectCases, type Bench } from './harness.ts'
import { checkRandomEdits } from './property-check.ts'

/** pg_dump costs ~0.2 s a call: by default every third case is also judged by it (SQLMIG_FULL_ORACLE=1: all). */
const ORACLE_EVERY = process.env.SQLMIG_FULL_ORACLE === '1' ? 1 : 3

/** Registers shard `shard` (1-based) of `of` and runs it. */
export async function runPostgresCorpusShard(shard: number, of: number): Promise<void> {
  if ((await targetKinds()).includes('postgres')) {
    let bench: Bench
    test.before(async () => { bench = await openBench('postgres') })
    test.after(async () => { await bench.close() })
    selectCases(CORPUS).forEach((c, i) => {
      if (i % of !== shard - 1) return
      const oracle = i % ORACLE_EVERY === 0
      test(`postgres: up and down round-trip${oracle ? ', judged by the model and by pg_dump,' : ''} when ${c.name}`, async () => {
        const { problems } = await roundTrip(bench, c, { oracle })
        assert.ok(problems.length === 0, problems.join('\n'))
      })
    })
    if (shard === of && !process.env.SQLMIG_CORPUS) test('postgres: random sequences of schema edits round-trip up and down (seeded)', async () => {
      const failures = await checkRandomEdits(bench, [11, 12, 13, 14, 15, 16, 17, 18], 5)
      assert.ok(failures.length === 0, failures.join('\n\n'))
    })
  }
  test.run()
}
