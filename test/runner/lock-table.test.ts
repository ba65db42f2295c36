/**
 * `--lock table` on PostgreSQL: the lock row with a lease. Two runs contend (the second waits,
 * times out with exit 4 naming the owner, or goes on once the first is done), the lease is
 * renewed while a long migration runs, a dead owner's row is taken over once it expires, and the
 * row is deleted when the run ends, also when it fails.
 */
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { upgrade } from '../../src/commands/upgrade.ts'
import { LockTimeoutError } from '../../src/errors.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { fleetProject, rev } from '../fleet/fleet-helpers.ts'
import { runCli } from '../helpers/cli.ts'

const N = 3

async function withDb(fn: (url: string, sql: postgres.Sql) => Promise<void>) {
  const name = uniqueName('hf_lock')
  await adminExec(`create database "${name}"`)
  const url = serverUrlFor(name)
  const sql = postgres(url, { max: 2, onnotice: () => {} })
  try {
    await fn(url, sql)
  } finally {
    await sql.end({ timeout: 1 })
    await adminExec(`drop database if exists "${name}" with (force)`)
  }
}

const lockRows = async (sql: postgres.Sql) => (await sql`select to_regclass('public.sqlmig_lock') as t`)[0]!.t ? [...await sql`select name, owner, expires_at from public.sqlmig_lock`] : []

test('lock "table": a second run waits for the first one\'s lease row, renewed while a migration runs longer than the lease, and times out naming its owner', async () => {
  if (!(await serverAvailable())) return
  const project = fleetProject(N, (i) => (i === 2 ? 'select pg_sleep(1.5);\n' : ''))
  try {
    await withDb(async (url, sql) => {
      const first = upgrade({ url, cwd: project.dir, lock: 'table', lockLeaseMs: 400 })
      first.catch(() => {})
      // Wait until the first run holds the row.
      for (let i = 0; i < 100 && (await lockRows(sql)).length === 0; i++) await new Promise((r) => setTimeout(r, 20))
      const rows = await lockRows(sql)
      assert.is(rows.length, 1)
      assert.is(rows[0]!.name, 'public.sqlmig_version')
      // No advisory lock is taken in this mode.
      assert.is((await sql`select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`).length, 0)
      // 0.9 s is more than twice the lease: only the renewals keep the second run out.
      const second = await upgrade({ url, cwd: project.dir, lock: 'table', lockWait: '900ms' }).catch((e) => e)
      assert.instance(second, LockTimeoutError)
      assert.match(second.message, `another migration still holds the lock row in public.sqlmig_lock (owner "${rows[0]!.owner}"`)
      const r = await first
      assert.is(r.steps.length, N)
      assert.equal(await lockRows(sql), [], 'the row is deleted at the end')
      // The waiting run goes on once the first one is done: nothing left to do.
      const third = await upgrade({ url, cwd: project.dir, lock: 'table' })
      assert.is(third.steps.length, 0)
      assert.equal((await sql`select count(*)::int as n from applied_log`)[0]!.n, N)
    })
  } finally {
    project.cleanup()
  }
})

test('lock "table": a dead owner\'s row is taken over once its lease has expired; a failing run deletes its row', async () => {
  if (!(await serverAvailable())) return
  const project = fleetProject(N)
  try {
    await withDb(async (url, sql) => {
      await sql`create table sqlmig_lock (name text primary key, owner text not null, expires_at timestamptz not null)`
      await sql`insert into sqlmig_lock values ('public.sqlmig_version', 'crashed-host:4242:x', now() + interval '800 milliseconds')`
      const started = Date.now()
      const r = await upgrade({ url, cwd: project.dir, lock: 'table', lockWait: '10s' })
      assert.ok(Date.now() - started >= 600, `waited ${Date.now() - started} ms for the lease to expire`)
      assert.equal(r.to, [rev(N)])
      assert.equal(await lockRows(sql), [])
    })
    await withDb(async (url, sql) => {
      await sql`create type conflict_t as enum ('x')`
      const broken = fleetProject(2, (i) => (i === 2 ? "create type conflict_t as enum ('a');\n" : ''))
      try {
        const e = await upgrade({ url, cwd: broken.dir, lock: 'table', allowUntracked: true }).catch((x) => x)
        assert.is(e.code, 'MIGRATION_FAILED')
        assert.equal(await lockRows(sql), [])
      } finally {
        broken.cleanup()
      }
    })
  } finally {
    project.cleanup()
  }
})

test('sqlmig upgrade --lock table from the CLI, and the fleet with it: exit 4 on a held row', async () => {
  if (!(await serverAvailable())) return
  const project = fleetProject(N)
  try {
    await withDb(async (url, sql) => {
      await sql`create table sqlmig_lock (name text primary key, owner text not null, expires_at timestamptz not null)`
      await sql`insert into sqlmig_lock values ('public.sqlmig_version', 'other-host:1:y', now() + interval '1 hour')`
      const held = await runCli(['upgrade', '--url', url, '--lock', 'table', '--lock-wait', '300ms'], project.dir)
      assert.is(held.code, 4, held.stderr)
      assert.match(held.stderr, 'owner "other-host:1:y"')
      const fleet = await runCli(['upgrade', '--targets', '--lock', 'table', '--lock-wait', '300ms'], project.dir, {})
      assert.is(fleet.code, 2, 'sqlmig.json has no targets')
      await sql`delete from sqlmig_lock`
      const ok = await runCli(['upgrade', '--url', url, '--lock', 'table'], project.dir)
      assert.is(ok.code, 0, ok.stderr)
      const bad = await runCli(['upgrade', '--url', url, '--lock', 'row'], project.dir)
      assert.is(bad.code, 2)
      assert.match(bad.stderr, 'The lock must be "advisory" or "table", not "row"')
    })
  } finally {
    project.cleanup()
  }
})

test.run()
