/**
 * The corpus on PGlite: each case's up and down round trip (harness.ts), and the cross-version
 * check of the same case (cross-version.ts: planned from these PGlite shadows for the PostgreSQL
 * 15 server) on the models of "before" and "after" that round trip loaded.
 *
 * Run in shards (corpus-pglite-<n>of<m>.test.ts, one process and one PGlite bench each) so that
 * no single file is the suite's critical path: shard n takes the cases whose index in the corpus
 * is n-1 modulo m (a stable split: a case stays in its shard as the corpus grows at its end), and
 * the last shard also the seeded random edits.
 */
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { SchemaModel } from '../../src/schema/model.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { CORPUS } from './corpus/index.ts'
import { crossVersionCheck, crossVersionName, loadShadows } from './cross-version.ts'
import { openBench, roundTrip, selectCases, type Bench } from './harness.ts'
import { checkRandomEdits } from './property-check.ts'

/** Registers shard `shard` (1-based) of `of` and runs it. */
export async function runPgliteCorpusShard(shard: number, of: number): Promise<void> {
  const withServer = await serverAvailable()
  let bench: Bench
  let server: Bench | undefined
  test.before(async () => {
    bench = await openBench('pglite')
    if (withServer) server = await openBench('postgres')
  })
  test.after(async () => { await Promise.all([bench?.close(), server?.close()]) })

  /** Cross-version checks started by the round trip of their case, by case name. */
  const started = new Map<string, Promise<void>>()

  const mine = CORPUS.filter((c) => !c.serverOnly).filter((_, i) => i % of === shard - 1)
  for (const c of selectCases(mine)) {
    test(`pglite: up and down round-trip when ${c.name}`, async () => {
      const onLoaded = withServer
        ? (before: SchemaModel, after: SchemaModel) => {
          const check = crossVersionCheck(server!, c, before, after)
          check.catch(() => {}) // awaited (and reported) by the case's cross-version test
          started.set(c.name, check)
        }
        : undefined
      const { problems } = await roundTrip(bench, c, { onLoaded })
      assert.ok(problems.length === 0, problems.join('\n'))
    })
    if (withServer) test(crossVersionName(c), async () => {
      // The round trip stopped before its shadows were loaded (it failed): load them here.
      const check = started.get(c.name) ?? loadShadows(bench, c).then(([before, after]) => crossVersionCheck(server!, c, before, after))
      started.delete(c.name)
      await check
    })
  }

  if (shard === of && !process.env.SQLMIG_CORPUS) test('pglite: random sequences of schema edits round-trip up and down (seeded)', async () => {
    const failures = await checkRandomEdits(bench, [5, 6, 7], 4)
    assert.ok(failures.length === 0, failures.join('\n\n'))
  })

  test.run()
}
