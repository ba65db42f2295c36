/** `sqlmig rehearse` on the PostgreSQL server: measurements, gates, failures, Ctrl-C, the pg_dump path. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { start } from '../helpers/process.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { BASE, copiesOf, expectedMigrations, fakeTools, normalise, snapshot, SPECS } from './fixture.ts'

const available = await serverAvailable()
const source = uniqueName('rh')
const url = serverUrlFor(source)
const admin = serverUrlFor('postgres')
const project = tempProject(migrationFiles(SPECS))
let before: Awaited<ReturnType<typeof snapshot>>

test.before(async () => {
  if (!available) return
  await adminExec(`create database "${source}"`)
  const r = await runCli(['upgrade', 'aaaaaaaaaaa0', '--url', url], project.dir)
  assert.is(r.code, 0, r.stderr)
  before = await snapshot(url)
})

test.after(async () => {
  project.cleanup()
  if (available) await adminExec(`drop database if exists "${source}" with (force)`)
})

const rehearse = (args: string[], env: Record<string, string> = {}) => runCli(['rehearse', '--url', url, ...args], project.dir, env)

async function assertNoCopies(): Promise<void> {
  assert.equal(await copiesOf(admin, source), [])
}

if (available) {
  test('rehearse --json reports each migration: rewrites, locks, the wrong down; the source stays as it was', async () => {
    const r = await rehearse(['--json'])
    const data = JSON.parse(r.stdout)
    assert.equal(data.source, { database: source, revision: ['aaaaaaaaaaa0'] })
    assert.equal(normalise(data.migrations), expectedMigrations({ cicLocks: true }))
    // ACCESS EXCLUSIVE is held from the ALTER to the commit: most of the migration's time.
    assert.ok(data.migrations[1].locks[0].held_seconds <= data.migrations[1].seconds)
    // A wrong down makes the rehearsal fail (exit 1) and says which.
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, 'error: the down of "eeeeeeeee5ee" does not restore the schema it started from')
    assert.equal(await snapshot(url), before)
    await assertNoCopies()
  })

  test('rehearse prints a table per migration and which copy it used', async () => {
    const r = await rehearse(['--revision', 'ccccccccccc3'])
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, /Copied "rh_\w+" to "rh_\w+_rehearsal_\d{14}" with CREATE DATABASE … TEMPLATE/)
    assert.match(r.stdout, `Rehearsed 3 migrations of "${source}" (at aaaaaaaaaaa0) on the copy "${source}_rehearsal_`)
    assert.match(r.stdout, /bbbbbbbbbbb2  Add a column with a volatile default  \d+\.\d{3} s  ! rewrite, access-exclusive\n  locks      public\.big ACCESS EXCLUSIVE for \d+\.\d{3} s\n  rewritten  public\.big \(100000 rows, \d+\.\d MB\)\n  down       restores the schema/)
    assert.match(r.stdout, '2 migrations rewrite a table; 3 take ACCESS EXCLUSIVE on a table with rows; 0 downs do not restore the schema')
    await assertNoCopies()
  })

  test('--fail-on gates exit 1 only when the flagged thing happens', async () => {
    const nullable = await rehearse(['--revision', 'aaaaaaaaaaa1', '--fail-on', 'rewrite', '--no-downgrade', '--json'])
    assert.is(nullable.code, 0, nullable.stderr)
    assert.is(JSON.parse(nullable.stdout).migrations[0].down_restores_schema, null)
    const exclusive = await rehearse(['--revision', 'aaaaaaaaaaa1', '--fail-on', 'access-exclusive', '--no-downgrade'])
    assert.is(exclusive.code, 1, exclusive.stderr)
    assert.match(exclusive.stdout, 'Failed: --fail-on access-exclusive')
    const rewrite = await rehearse(['--revision', 'bbbbbbbbbbb2', '--fail-on', 'rewrite,access-exclusive', '--no-downgrade'])
    assert.is(rewrite.code, 1)
    assert.match(rewrite.stdout, 'Failed: --fail-on rewrite,access-exclusive')
    const bad = await rehearse(['--fail-on', 'slow'])
    assert.is(bad.code, 2)
    assert.match(bad.stderr, 'Cannot read --fail-on "slow"')
    assert.match(bad.stderr, 'Use one or more of: rewrite, access-exclusive (comma-separated)')
    await assertNoCopies()
  })

  test('a migration that fails on the copy: exit 1 with file:line, copy dropped, source untouched', async () => {
    const p = tempProject(migrationFiles(chain([BASE, { revision: 'fffffffffff1', up: 'alter table big add column x int;\nalter table nope add column y int;', down: 'select 1;' }])))
    try {
      const r = await runCli(['rehearse', '--url', url], p.dir)
      assert.is(r.code, 1)
      assert.match(r.stderr, /0002_fffffffffff1\.up\.sql:7:1: Cannot apply revision "fffffffffff1": relation "nope" does not exist \(42P01\)/)
      assert.match(r.stderr, 'Revision "fffffffffff1" failed on the rehearsal copy; the source database was not touched')
      await assertNoCopies()
      assert.equal(await snapshot(url), before)
    } finally {
      p.cleanup()
    }
  })

  test('Ctrl-C during the rehearsal drops the copy and exits 130', async () => {
    const p = tempProject(migrationFiles(chain([BASE, { revision: 'fffffffffff2', up: 'select pg_sleep(30);', down: 'select 1;' }])))
    try {
      const rehearsal = start(process.execPath, [BIN, 'rehearse', '--url', url], p.dir)
      const deadline = Date.now() + 30_000
      while (!rehearsal.stderr().includes('Copied') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      assert.is((await copiesOf(admin, source)).length, 1, rehearsal.stderr())
      await new Promise((r) => setTimeout(r, 500))
      rehearsal.child.kill('SIGINT')
      const r = await rehearsal.done
      // The process itself exits 130 (it is not merely killed by the signal).
      assert.is(r.signal, null, r.stderr)
      assert.is(r.code, 130, r.stderr)
      await assertNoCopies()
    } finally {
      p.cleanup()
    }
  })

  test('--scratch-url copies with pg_dump | pg_restore; the password reaches children only through PGPASSWORD; --keep keeps the copy', async () => {
    const role = uniqueName('rh_role')
    const password = 'Sq1-rehearse-secret'
    await adminExec(`create role "${role}" login createdb password '${password}'`)
    const tools = fakeTools(join(project.dir, 'tools'), 'logging')
    const withPw = (db: string) => serverUrlFor(db).replace('postgres@', `${role}:${password}@`)
    // Read rights for the dump: run as the owner of the source database.
    const sourceAsOwner = serverUrlFor(source)
    const sql = (await import('postgres')).default(sourceAsOwner, { max: 1, onnotice: () => {} })
    await sql.unsafe(`grant select on all tables in schema public to "${role}"; grant select on all sequences in schema public to "${role}"; grant usage on schema public to "${role}"`)
    await sql.end()
    try {
      const r = await runCli(['rehearse', '--url', withPw(source), '--scratch-url', withPw('postgres'), '--revision', 'bbbbbbbbbbb2', '--keep'], project.dir, {
        PATH: `${tools}:${process.env.PATH}`,
      })
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stderr, 'with pg_dump | pg_restore (the copy goes to --scratch-url)')
      assert.match(r.stdout, /bbbbbbbbbbb2  Add a column with a volatile default .*\n.*\n  rewritten  public\.big \(100000 rows, /)
      assert.not.match(r.stdout + r.stderr, password)
      const log = readFileSync(join(tools, 'argv.log'), 'utf8')
      assert.match(log, 'pg_dump argv: --format=custom')
      assert.match(log, 'pg_restore argv: --no-owner --no-acl')
      assert.match(log, 'pg_dump PGPASSWORD set: yes')
      assert.match(log, 'pg_restore PGPASSWORD set: yes')
      assert.not.match(log, password)
      const kept = await copiesOf(admin, source)
      assert.is(kept.length, 1)
      assert.match(r.stderr, `Kept the copy: postgresql://${role}@127.0.0.1:5432/${kept[0]}`)
      assert.match(r.stdout, `on the copy "${kept[0]}" (kept at postgresql://${role}@127.0.0.1:5432/${kept[0]})`)
    } finally {
      for (const k of await copiesOf(admin, source)) await adminExec(`drop database if exists "${k}" with (force)`)
      const cleanup = (await import('postgres')).default(sourceAsOwner, { max: 1, onnotice: () => {} })
      await cleanup.unsafe(`drop owned by "${role}"`)
      await cleanup.end()
      await adminExec(`drop role "${role}"`)
    }
    assert.equal(await snapshot(url), before)
  })
}

test.run()
