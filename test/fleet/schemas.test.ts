/**
 * Schema per tenant (--schemas): 100 tenant schemas in one database, a fleet run killed with
 * SIGKILL at a random moment, then run again: each schema at a boundary, each migration once in it.
 */
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, runCli } from '../helpers/cli.ts'
import { start } from '../helpers/process.ts'
import { serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { admin, assertBoundary, fleetProject, stateOf } from './fleet-helpers.ts'

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

test('100 tenant schemas (--schemas): each has its own version table and objects, SIGKILL then rerun leaves each migration once per schema', async () => {
  if (!(await serverAvailable())) return
  const name = uniqueName('hf_schemas')
  const sql = admin(2)
  await sql.unsafe(`create database "${name}"`)
  const url = serverUrlFor(name)
  const project = fleetProject(N, slow)
  const tenants = Array.from({ length: 100 }, (_, i) => `tenant_${String(i).padStart(3, '0')}`)
  try {
    const db = (await import('postgres')).default(url, { max: 1, onnotice: () => {} })
    await db.unsafe(tenants.map((t) => `create schema ${t};`).join('\n') + 'create schema other;')
    await db.end()
    await killSomewhere(['upgrade', '--schemas', 'tenant\\_%', '--url', url, '--concurrency', '8'], project.dir)
    for (const t of tenants) assertBoundary(`${t} after a kill`, await stateOf(url, t), N)
    const done = await runCli(['upgrade', '--schemas', 'tenant\\_%', '--url', url, '--concurrency', '8', '--json'], project.dir)
    assert.is(done.code, 0, done.stderr)
    const r = JSON.parse(done.stdout)
    assert.is(r.ok, 100)
    assert.is(r.targets[7].target, `${url}#tenant_007`)
    for (const t of tenants) assertBoundary(t, await stateOf(url, t), N, N)
    // Nothing went to public or to the schema that does not match.
    for (const s of ['public', 'other']) assert.equal((await stateOf(url, s)).recorded, [], s)
    const cur = JSON.parse((await runCli(['current', '--schemas', 'tenant\\_%', '--url', url, '--json'], project.dir)).stdout)
    assert.is(cur.targets.filter((t: { pending: number }) => t.pending === 0).length, 100)
  } finally {
    await sql.unsafe(`drop database if exists "${name}" with (force)`)
    await sql.end({ timeout: 1 })
    project.cleanup()
  }
})

test.run()
