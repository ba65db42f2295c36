/**
 * `rehearse --targets` and `diff --targets` on a few server databases: each target is rehearsed on
 * its own copy (the sources' version tables stay as they were), a migration that fails on one
 * target's data and a tripped --fail-on gate each count as a failed target (exit 1), --schemas is
 * refused (exit 2), and diff reports per target the SQL that would bring it to the declared schema.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/cli.ts'
import { serverAvailable, SERVER_URL } from '../helpers/targets.ts'
import { fleetProject, makeDatabases, rev, stateOf } from './fleet-helpers.ts'

const exec = async (url: string, text: string) => {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(text)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

test('rehearse --targets: one copy per target, a failing migration and a tripped gate fail their target, the sources are untouched; diff --targets reports each drift', async () => {
  if (!(await serverAvailable())) return
  const dbs = await makeDatabases(3)
  // Migration 2 makes items.id NOT NULL: it fails where a row has a null id.
  const project = fleetProject(3, (i) => (i === 2 ? 'alter table items alter column id set not null;\n' : ''))
  try {
    writeFileSync(join(project.dir, 'targets.txt'), `${dbs.urls.join('\n')}\n`)
    const up = await runCli(['upgrade', rev(1), '--targets', 'targets.txt', '--json'], project.dir)
    assert.is(up.code, 0, up.stderr)
    await exec(dbs.urls[1]!, 'insert into items (id) values (null)')
    await exec(dbs.urls[2]!, 'insert into items (id) values (1)')

    const r = await runCli(['rehearse', '--targets', 'targets.txt', '--fail-on', 'access-exclusive', '--no-downgrade', '--json'], project.dir)
    assert.is(r.code, 1, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(Object.keys(out).sort(), ['failed', 'ok', 'skipped', 'targets'])
    assert.equal([out.ok, out.failed, out.skipped], [1, 2, 0])
    const [a, b, c] = out.targets
    for (const t of out.targets) assert.equal(Object.keys(t).slice(0, 7), ['target', 'status', 'from', 'to', 'steps', 'ms', 'error'])
    // The table without rows: rehearsed to head, no flag.
    assert.is(a.status, 'ok')
    assert.equal([a.from, a.to, a.steps], [[rev(1)], [rev(3)], 2])
    assert.equal(a.rehearse.migrations.map((m: { revision: string }) => m.revision), [rev(2), rev(3)])
    assert.equal(a.rehearse.source.revision, [rev(1)])
    // The null id: migration 2 fails on the copy.
    assert.is(b.status, 'failed')
    assert.ok(/null/i.test(b.error.message), b.error.message)
    // Rows in items: ALTER TABLE takes ACCESS EXCLUSIVE on a table with rows, the gate trips.
    assert.is(c.status, 'failed')
    assert.is(c.error.code, 'REHEARSE_FLAGGED')
    assert.equal(c.rehearse.failed_gates, ['access-exclusive'])
    assert.is(c.steps, 2)
    // The sources: still at migration 1, their rows as they were, no copy left behind.
    for (const url of dbs.urls) assert.equal((await stateOf(url)).recorded, [rev(1)])
    const prefix = dbs.names[0]!.replace(/_\d+$/, '')
    const left = await dbs.sql`select datname from pg_database where datname like ${`${prefix}%`} and datname like '%\_rehearsal\_%'`
    assert.equal(left.map((r) => r.datname), [])

    // Without the gate the row-holding target passes.
    const r2 = await runCli(['rehearse', '--targets', 'targets.txt', '--no-downgrade', '--json'], project.dir)
    assert.is(r2.code, 1, r2.stderr)
    assert.equal(JSON.parse(r2.stdout).targets.map((t: { status: string }) => t.status), ['ok', 'failed', 'ok'])
    const r3 = await runCli(['rehearse', '--targets', 'targets.txt', '--no-downgrade'], project.dir)
    assert.is(r3.code, 1, r3.stderr)
    assert.match(r3.stdout, `${dbs.names[0]}  ${rev(1)} → ${rev(3)} (2 migrations rehearsed on a copy)`)
    assert.match(r3.stdout, '3 targets: 2 ok, 1 failed, 0 skipped')

    const schemas = await runCli(['rehearse', '--schemas', 'tenant_%', '--url', SERVER_URL], project.dir)
    assert.is(schemas.code, 2)
    assert.match(schemas.stderr, /does not take --schemas: rehearse copies a whole database/)

    // diff: the declared schema is what migration 1 builds; one target has an extra table.
    writeFileSync(join(project.dir, 'migrations', 'schema.sql'), 'create table applied_log (revision text not null, at timestamptz not null default clock_timestamp());\ncreate table items (id int);\n')
    await exec(dbs.urls[0]!, 'create table extra (x int)')
    const d = await runCli(['diff', '--targets', 'targets.txt', '--json'], project.dir)
    assert.is(d.code, 0, d.stderr)
    const dj = JSON.parse(d.stdout)
    assert.equal([dj.ok, dj.failed], [3, 0])
    assert.equal(dj.targets.map((t: { steps: number }) => t.steps), [1, 0, 0])
    assert.match(dj.targets[0].sql, /drop table.*extra/i)
    assert.is(dj.targets[1].sql, '')
    const text = await runCli(['diff', '--targets', 'targets.txt'], project.dir)
    assert.is(text.code, 0, text.stderr)
    assert.match(text.stdout, /1 change\b/)
    assert.match(text.stdout, /no drift/)
  } finally {
    project.cleanup()
    await dbs.drop()
  }
})

test.run()
