/**
 * Small things a newcomer trips over (issue 16), typed as a user types them: the
 * progress lines, a down that undoes nothing, `upgrade <rev>` on a database already past it,
 * stamp saying it stamps, a failed down saying "undo". On the server when there is one (they are not about the database).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import postgres from 'postgres'
import { adminExec, newTarget, scratchTarget, serverAvailable, uniqueName } from '../helpers/targets.ts'

const history = migrationFiles(chain([
  { revision: 'fh0000000001', message: 'Create a', up: 'create table a (id int);', down: '' },
  { revision: 'fh0000000002', message: 'Create b', up: 'create table b (id int);', down: 'drop table b;' },
  { revision: 'fh0000000003', message: 'Create c', up: 'create table c (id int);', downHeader: '-- down: none', down: '' },
]))

test('progress: a line as each migration starts, with the running count; stamp says it stamps', async () => {
  const p = tempProject(history)
  const t = await scratchTarget()
  try {
    const up = await runCli(['upgrade', '--url', t.url], p.dir)
    assert.is(up.code, 0, up.stderr)
    const lines = up.stderr.split('\n').filter((l) => l.startsWith('['))
    assert.equal(lines, ['[1/3] Applying fh0000000001: Create a', '[2/3] Applying fh0000000002: Create b', '[3/3] Applying fh0000000003: Create c'])
    const json = await runCli(['downgrade', 'fh0000000002', '--url', t.url, '--json'], p.dir)
    assert.not.match(json.stdout, '[1/')
    const stamp = await runCli(['stamp', 'head', '--url', t.url], p.dir)
    assert.is(stamp.code, 0, stamp.stderr)
    assert.match(stamp.stderr, '[1/1] Stamping fh0000000003 as applied: Create c')
    assert.not.match(stamp.stderr, /upgrade\s+fh0000000003/)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('a down with no statements and no "-- down: none" is a warning naming the file, and empty_down in --json; "-- down: none" is not', async () => {
  const p = tempProject(history)
  const t = await scratchTarget()
  try {
    assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
    const quiet = await runCli(['downgrade', 'fh0000000002', '--url', t.url], p.dir)
    assert.is(quiet.code, 0, quiet.stderr)
    assert.not.match(quiet.stdout + quiet.stderr, 'warning')
    const text = await runCli(['downgrade', 'base', '--url', t.url], p.dir)
    assert.is(text.code, 0, text.stderr)
    assert.match(text.stdout, 'warning: the down of fh0000000001 (migrations/versions/0001_fh0000000001.down.sql) is empty: it is recorded as undone, but nothing was undone; if that is right, say so with "-- down: none"\nDowngraded to base (2 migrations in')
    const t2 = await scratchTarget()
    try {
      assert.is((await runCli(['upgrade', '--url', t2.url], p.dir)).code, 0)
      const json = await runCli(['downgrade', 'base', '--url', t2.url, '--json'], p.dir)
      const steps = JSON.parse(json.stdout).steps as Record<string, unknown>[]
      assert.equal(steps.map((s) => [s.revision, s.empty_down]), [['fh0000000003', undefined], ['fh0000000002', undefined], ['fh0000000001', 'migrations/versions/0001_fh0000000001.down.sql']])
    } finally {
      await t2.cleanup()
    }
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('upgrade <rev> on a database already past <rev> says so, with the current revision, and exits 0', async () => {
  const p = tempProject(history)
  const t = await scratchTarget()
  try {
    assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
    const r = await runCli(['upgrade', 'fh0000000001', '--url', t.url], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout, 'Nothing to do: fh0000000001 is already applied; the database is at fh0000000003\n')
    const json = JSON.parse((await runCli(['upgrade', 'fh0000000001', '--url', t.url, '--json'], p.dir)).stdout)
    assert.equal(json.already_applied, ['fh0000000001'])
    const head = await runCli(['upgrade', 'fh0000000003', '--url', t.url], p.dir)
    assert.is(head.stdout, 'Already up to date at fh0000000003\n')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('a failed down says "Cannot undo revision"', async () => {
  const files = migrationFiles(chain([{ revision: 'fh0000000009', up: 'create table z (id int);', down: 'drop table no_such_table;' }]))
  const p = tempProject(files)
  const t = await scratchTarget()
  try {
    assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
    const r = await runCli(['downgrade', 'base', '--url', t.url], p.dir)
    assert.is(r.code, 1)
    assert.match(r.stderr, 'Cannot undo revision "fh0000000009": table "no_such_table" does not exist (42P01)')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('show head, show heads, show current work as in Alembic', async () => {
  const p = tempProject(history)
  const t = await scratchTarget()
  try {
    assert.is((await runCli(['upgrade', 'fh0000000002', '--url', t.url], p.dir)).code, 0)
    const head = await runCli(['show', 'head', '--url', t.url], p.dir)
    assert.is(head.code, 0, head.stderr)
    assert.match(head.stdout, /^Revision: fh0000000003\n/)
    const heads = JSON.parse((await runCli(['show', 'heads', '--json', '--url', t.url], p.dir)).stdout)
    assert.equal(heads.map((h: { revision: string }) => h.revision), ['fh0000000003'])
    const current = JSON.parse((await runCli(['show', 'current', '--json', '--url', t.url], p.dir)).stdout)
    assert.equal(current.map((h: { revision: string }) => h.revision), ['fh0000000002'])
    assert.match((await runCli(['show', 'current', '--url', t.url], p.dir)).stdout, /^Revision: fh0000000002\n/)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

if (await serverAvailable()) {
  test('a version table sqlmig cannot create says that is what failed, that no migration ran, and how to fix it', async () => {
    const p = tempProject(history)
    const t = await newTarget('postgres')
    const role = uniqueName('sqlmig_nopriv')
    try {
      await adminExec(`create role ${role} login`)
      const db = postgres(t.url, { max: 1, onnotice: () => {} })
      await db.unsafe('revoke create on schema public from public')
      await db.end()
      const url = new URL(t.url)
      url.username = role
      const r = await runCli(['upgrade', '--url', url.toString()], p.dir)
      assert.is(r.code, 1)
      assert.match(r.stderr, 'error: Cannot create the version table "public"."sqlmig_version": permission denied for schema public (42501)')
      assert.match(r.stderr, 'No migration has run.')
      assert.match(r.stderr, `hint: Let this role create tables in schema "public" (GRANT CREATE ON SCHEMA public TO ...), or keep the version table in a schema it may write: --version-schema <schema>`)
    } finally {
      p.cleanup()
      await t.cleanup()
      await adminExec(`drop role if exists ${role}`)
    }
  })
}

test.run()
