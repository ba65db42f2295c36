/**
 * Twelve fleet runs started at once on the same targets: each target's lock makes one of them
 * do the work; each migration is applied exactly once.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { assertBoundary, fleetProject, makeDatabases, stateOf } from './fleet-helpers.ts'

const N = 6

test('12 fleet runs started at once on the same 16 databases: each migration applied exactly once', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(16)
  const project = fleetProject(N)
  try {
    writeFileSync(join(project.dir, 'targets.txt'), dbs.urls.join('\n'))
    const runs = await Promise.all(Array.from({ length: 12 }, () => runCli(['upgrade', '--targets', 'targets.txt', '--concurrency', '2', '--json'], project.dir)))
    for (const r of runs) assert.is(r.code, 0, r.stderr)
    const steps = runs.map((r) => JSON.parse(r.stdout).targets.map((t: { steps: number }) => t.steps))
    // Per database, the runs' applied steps add up to N: one run did the work, the others found it done.
    for (let i = 0; i < 16; i++) assert.is(steps.reduce((sum, s) => sum + s[i], 0), N, `database ${i}`)
    for (const [i, u] of dbs.urls.entries()) assertBoundary(dbs.names[i]!, await stateOf(u), N, N)
  } finally {
    await dbs.drop()
    project.cleanup()
  }
})

test.run()
