/**
 * Fleet runs killed with SIGKILL at random moments, then run again: every target (database or
 * tenant schema) stays at a revision boundary with each migration applied exactly once, and the
 * rerun finishes them. Twelve fleet runs started at once on the same targets: still once each.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, runCli } from '../helpers/cli.ts'
import { start } from '../helpers/process.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { assertBoundary, fleetProject, makeDatabases, stateOf } from './fleet-helpers.ts'

const N = 6
/** Each migration takes ~40 ms on the server, so a kill lands inside one as often as between. */
const slow = () => 'select pg_sleep(0.04);\n'

/** Starts the fleet command, SIGKILLs it after a random 0.3-1.5 s, returns once it is gone. */
async function killSomewhere(args: string[], cwd: string): Promise<void> {
  const run = start(process.execPath, [BIN, ...args], cwd)
  await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200))
  run.child.kill('SIGKILL')
  await run.done
}

test('SIGKILL of upgrade --targets at random moments, then a rerun: every database at a boundary, each migration once', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(16)
  const project = fleetProject(N, slow)
  try {
    writeFileSync(join(project.dir, 'targets.txt'), dbs.urls.join('\n'))
    for (const mode of ['all', 'per-migration']) {
      await killSomewhere(['upgrade', '--targets', 'targets.txt', '--concurrency', '6', '--transaction', mode], project.dir)
      for (const [i, u] of dbs.urls.entries()) assertBoundary(`${dbs.names[i]} after a kill (${mode})`, await stateOf(u), N)
    }
    const done = await runCli(['upgrade', '--targets', 'targets.txt', '--concurrency', '6', '--json'], project.dir)
    assert.is(done.code, 0, done.stderr)
    const r = JSON.parse(done.stdout)
    assert.is(r.ok, 16)
    for (const [i, u] of dbs.urls.entries()) assertBoundary(dbs.names[i]!, await stateOf(u), N, N)
    // And once more: nothing to do anywhere.
    const again = JSON.parse((await runCli(['upgrade', '--targets', 'targets.txt', '--json'], project.dir)).stdout)
    assert.ok(again.targets.every((t: { steps: number }) => t.steps === 0))
  } finally {
    await dbs.drop()
    project.cleanup()
  }
})

test('Ctrl-C (SIGINT) of a fleet run: nothing more starts, the running targets roll back, the report says so, exit 130', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(12)
  const project = fleetProject(N, () => 'select pg_sleep(0.1);\n')
  try {
    writeFileSync(join(project.dir, 'targets.txt'), dbs.urls.join('\n'))
    const run = start(process.execPath, [BIN, 'upgrade', '--targets', 'targets.txt', '--concurrency', '3', '--json'], project.dir)
    // Once the first targets are under way.
    for (let i = 0; i < 200 && !run.stderr().includes('running'); i++) await new Promise((r) => setTimeout(r, 25))
    await new Promise((r) => setTimeout(r, 300))
    run.child.kill('SIGINT')
    const r = await run.done
    assert.is(r.code, 130, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.ok(j.skipped > 0 && j.targets.some((t: { skipped?: string }) => t.skipped === 'interrupted'), r.stdout)
    const failed = j.targets.filter((t: { status: string }) => t.status === 'failed')
    assert.ok(failed.length > 0 && failed.every((t: { error: { code: string } }) => t.error.code === 'INTERRUPTED'), r.stdout)
    for (const [i, u] of dbs.urls.entries()) {
      const s = await stateOf(u)
      assertBoundary(dbs.names[i]!, s, N)
      if (j.targets[i].status !== 'ok') assert.equal(s.recorded, [], `${dbs.names[i]} rolled back`)
    }
  } finally {
    await dbs.drop()
    project.cleanup()
  }
})

test.run()
