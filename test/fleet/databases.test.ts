/**
 * A fleet of 200 server databases, three of them made to fail in different ways: a conflicting
 * object, a lock another session holds (--lock-wait → exit 4), a database dropped in the middle
 * of its migration. The rest end at head with every migration applied once; a rerun is a no-op
 * for them and finishes the one whose lock was free again.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { lockKey } from '../../src/runner/lock.ts'
import { runCli } from '../helpers/cli.ts'
import { start } from '../helpers/process.ts'
import { BIN } from '../helpers/cli.ts'
import { serverAvailable, SERVER_URL } from '../helpers/targets.ts'
import { assertBoundary, fleetProject, makeDatabases, rev, stateOf } from './fleet-helpers.ts'

const N = 5
/**
 * SQLMIG_FLEET_DBS=200 for the full proof (it passes; ~4 min on the shared 2-core test
 * machine, nearly all of it CREATE/DROP DATABASE, each of which waits for a checkpoint). The
 * suite's default keeps the file under a minute.
 */
const COUNT = Number(process.env.SQLMIG_FLEET_DBS ?? 40)
const CONFLICT = Math.floor(COUNT / 4)
const LOCKED = Math.floor(COUNT * 0.6)
const DROPPED = Math.floor(COUNT * 0.75)
const OK = COUNT - 3

test('upgrade --targets on many databases: all but three at head, each failure reported with its cause, exit 4; the rerun is a no-op for the done ones', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(COUNT)
  const victim = dbs.names[DROPPED]!
  // Migration 3 creates a type one database already has; migration 2 sleeps on the victim only, so it is dropped mid-run.
  const project = fleetProject(N, (i) =>
    i === 3 ? 'create type conflict_t as enum (\'a\');\n' : i === 2 ? `select pg_sleep(case when current_database() = '${victim}' then 30 else 0 end);\n` : '')
  const holder = postgres(dbs.urls[LOCKED]!, { max: 1, onnotice: () => {} })
  try {
    await postgres(dbs.urls[CONFLICT]!, { max: 1 }).begin(async (s) => {
      await s`create type conflict_t as enum ('x')`
    }).catch(() => {})
    writeFileSync(join(project.dir, 'targets.txt'), `# the fleet\n${dbs.urls.join('\n')}\n`)
    // Another session holds the lock of LOCKED for the whole first run.
    const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
    const held = holder.reserve()
    const conn = await held
    await conn`begin`
    await conn`select pg_advisory_xact_lock(${k1}::int4, ${k2}::int4)`

    const run = start(process.execPath, [BIN, 'upgrade', '--targets', 'targets.txt', '--concurrency', '8', '--lock-wait', '1s', '--json'], project.dir)
    // Drop the victim while its migration runs.
    const admin = dbs.sql
    for (let i = 0; i < 400; i++) {
      const rows = await admin`select 1 from pg_stat_activity where datname = ${victim} and query like '%pg_sleep%' and state = 'active'`
      if (rows.length) break
      await new Promise((r) => setTimeout(r, 50))
    }
    await admin.unsafe(`drop database "${victim}" with (force)`)
    const first = await run.done
    conn.release()
    await conn`rollback`.catch(() => {})
    assert.is(first.code, 4, first.stderr)
    const r = JSON.parse(first.stdout)
    assert.equal({ ok: r.ok, failed: r.failed, skipped: r.skipped }, { ok: OK, failed: 3, skipped: 0 })
    assert.is(r.targets.length, COUNT)
    assert.equal(r.targets.map((t: { target: string }) => t.target), dbs.urls)
    const failed = Object.fromEntries(r.targets.map((t: any, i: number) => [i, t]).filter(([, t]: any) => t.status === 'failed'))
    assert.equal(Object.keys(failed).map(Number), [CONFLICT, LOCKED, DROPPED])
    assert.is(failed[CONFLICT].error.code, 'MIGRATION_FAILED')
    assert.match(failed[CONFLICT].error.location.file, `${rev(3)}_step.up.sql`)
    assert.is(failed[CONFLICT].error.location.line, 6)
    assert.match(failed[CONFLICT].error.message, 'already exists')
    assert.equal(failed[CONFLICT].to, [], 'the conflicting database is read again after the failure: still at base')
    assert.is(failed[LOCKED].error.code, 'LOCK_TIMEOUT')
    assert.ok(failed[DROPPED].error !== null && failed[DROPPED].error.code !== 'LOCK_TIMEOUT', JSON.stringify(failed[DROPPED].error))
    const okOne = r.targets[0]
    assert.equal({ from: okOne.from, to: okOne.to, steps: okOne.steps, error: okOne.error }, { from: [], to: [rev(N)], steps: N, error: null })
    assert.ok(typeof okOne.ms === 'number')
    // The progress line went to stderr.
    assert.match(first.stderr, new RegExp(`fleet: ${OK} done, 3 failed, 0 running, 0 left; slowest `))
    for (let i = 0; i < COUNT; i++) {
      if (i === DROPPED) continue
      const s = await stateOf(dbs.urls[i]!)
      assertBoundary(dbs.names[i]!, s, N, i === CONFLICT || i === LOCKED ? 0 : N)
      if (i === CONFLICT || i === LOCKED) assert.equal(s.recorded, [], dbs.names[i])
    }

    // The rerun (by --all-databases this time): done targets do nothing, the unlocked one finishes, the conflict still fails.
    const prefix = dbs.names[0]!.replace(/_0000$/, '')
    const again = await runCli(['upgrade', '--all-databases', '--url', SERVER_URL, '--match', `${prefix}\\_0%`, '--concurrency', '8'], project.dir)
    assert.is(again.code, 1, again.stderr)
    const lines = again.stdout.trim().split('\n')
    assert.is(lines.length, COUNT - 1 + 1)
    assert.is(lines.filter((l) => l.includes('(up to date)')).length, OK)
    assert.ok(lines.some((l) => l.includes(dbs.names[LOCKED]!) && l.includes(`base → ${rev(N)} (${N} migrations)`)), again.stdout)
    const conflictLine = lines.find((l) => l.includes(dbs.names[CONFLICT]!))!
    assert.match(conflictLine, `✗ ${dbs.urls[CONFLICT]}  error: migrations/versions/`)
    assert.match(conflictLine, `${rev(3)}_step.up.sql:6:1: `)
    assert.match(lines.at(-1)!, new RegExp(`^${COUNT - 1} targets: ${COUNT - 2} ok, 1 failed, 0 skipped; slowest `))

    // current on the same targets from a catalog query.
    const cur = await runCli(['current', '--targets-query', `select '${SERVER_URL.replace(/\/[^/]*$/, '')}/' || datname from pg_database where datname like '${prefix}\\_0%' order by datname`, '--url', SERVER_URL, '--json'], project.dir)
    assert.is(cur.code, 0, cur.stderr)
    const c = JSON.parse(cur.stdout)
    assert.is(c.targets.filter((t: any) => t.current[0] === rev(N) && t.pending === 0).length, COUNT - 2)
    assert.equal(c.targets[CONFLICT].current, [])
    assert.is(c.targets[CONFLICT].pending, N)
  } finally {
    await holder.end({ timeout: 1 })
    await dbs.drop()
    project.cleanup()
  }
})

test('--canary 2 --max-failures 1: a failing canary stops the run before the rest start', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(10)
  const project = fleetProject(2, (i) => (i === 2 ? 'create type conflict_t as enum (\'a\');\n' : ''))
  try {
    const c = postgres(dbs.urls[1]!, { max: 1 })
    await c`create type conflict_t as enum ('x')`
    await c.end()
    writeFileSync(join(project.dir, 'targets.txt'), dbs.urls.join('\n'))
    const r = await runCli(['upgrade', '--targets', 'targets.txt', '--concurrency', '8', '--canary', '2', '--max-failures', '1', '--json'], project.dir)
    assert.is(r.code, 1, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.equal(j.targets.map((t: any) => t.status), ['ok', 'failed', ...Array(8).fill('skipped')])
    assert.equal({ ok: j.ok, failed: j.failed, skipped: j.skipped }, { ok: 1, failed: 1, skipped: 8 })
    for (const u of dbs.urls.slice(2)) assert.equal((await stateOf(u)).recorded, [])
    const text = await runCli(['upgrade', '--targets', 'targets.txt', '--canary', '2'], project.dir)
    assert.match(text.stdout, 'not started: a canary target failed')
    // "targets" in sqlmig.json, read by --targets without a file.
    writeFileSync(join(project.dir, 'sqlmig.json'), JSON.stringify({ targets: dbs.urls.slice(0, 2) }))
    const cur = await runCli(['current', '--targets', '--json'], project.dir)
    assert.is(cur.code, 0, cur.stderr)
    assert.equal(JSON.parse(cur.stdout).targets.map((t: { target: string; current: string[] }) => [t.target, t.current]), [[dbs.urls[0], [rev(2)]], [dbs.urls[1], []]])
  } finally {
    await dbs.drop()
    project.cleanup()
  }
})

test.run()
