/**
 * Issue 17, switching from graphile-migrate, as a user types it: the real graphile-migrate (npm
 * devDependency) commits four migrations from current.sql (`graphile-migrate commit`, one with
 * `--! no-transaction`) and migrates two databases, one fully and one with only the first three
 * (the fourth committed while .gmrc names the other database, since
 * `commit` migrates the database it names). Then `sqlmig import migrations --from
 * graphile-migrate` and `sqlmig adopt --url`: the full one is at the head and `upgrade` runs
 * nothing, the partial one is stamped with the three and `upgrade` applies the fourth once, both
 * end with the schema graphile-migrate built, and a new sqlmig migration applies and
 * `downgrade -1` undoes it.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempProject } from '../helpers/cli.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { createMigration, dumpSchema, json, ok } from './adopt-helpers.ts'
import { rev } from './helpers.ts'

const server = await serverAvailable()
const require = createRequire(import.meta.url)
const CLI = join(dirname(require.resolve('graphile-migrate/package.json')), 'dist', 'cli.js')

const STEPS: Array<{ sql: string; message?: string }> = [
  { sql: 'create table users (id serial primary key, email text not null);\n', message: 'users' },
  { sql: '--! no-transaction\ncreate unique index concurrently users_email on users (email);\n' },
  { sql: "create schema app;\ncreate function app.hello() returns text language sql as $$ select 'hi; there' $$;\n", message: 'app hello' },
  { sql: 'create table posts (id serial primary key, author int references users, body text);\n', message: 'posts' },
]

test('graphile-migrate commit + migrate, then "sqlmig import migrations --from graphile-migrate" + "sqlmig adopt": nothing runs twice, the unapplied one applies once', async () => {
  if (!server) return
  const p = tempProject({ 'migrations/current.sql': '' })
  const [full, partial] = [uniqueName('sqlmig_gm_full'), uniqueName('sqlmig_gm_part')]
  const shadow = uniqueName('sqlmig_gm_shadow')
  for (const db of [full, partial]) await adminExec(`create database ${db}`)
  const gmrc = (db: string) =>
    writeFileSync(join(p.dir, '.gmrc'), JSON.stringify({ connectionString: serverUrlFor(db), shadowConnectionString: serverUrlFor(shadow), rootConnectionString: serverUrlFor('postgres') }, null, 2))
  const gm = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const commit = (step: { sql: string; message?: string }) => {
    writeFileSync(join(p.dir, 'migrations', 'current.sql'), step.sql)
    gm('commit', ...(step.message ? ['--message', step.message] : []))
  }
  try {
    gmrc(partial)
    for (const step of STEPS.slice(0, 3)) commit(step)
    gm('migrate')
    // "graphile-migrate commit" also migrates the database in .gmrc: the fourth is committed with the other one there.
    gmrc(full)
    commit(STEPS[3]!)
    gm('migrate')
    const omit = ['graphile_migrate', 'sqlmig_version', 'sqlmig_version_pkey']
    const built = dumpSchema(serverUrlFor(full), omit)
    assert.match(built, 'CREATE TABLE public.posts')

    const imported = json(await ok(['import', 'migrations', '--from', 'graphile-migrate', '--json'], p.dir))
    const revs = ['000001', '000002', '000003', '000004'].map((v) => rev('graphile-migrate', v))
    assert.equal(imported.imported.map((m: { revision: string }) => m.revision), revs)
    assert.equal(imported.imported.map((m: { version: string }) => m.version), ['000001.sql', '000002.sql', '000003.sql', '000004.sql'])
    assert.equal(imported.imported.map((m: { transaction: boolean }) => m.transaction), [true, false, true, true])
    assert.is(imported.imported[1].transaction_reason, '--! no-transaction')
    assert.equal(imported.imported.map((m: { message: string }) => m.message), ['users', '000002.sql', 'app hello', 'posts'])
    assert.ok(imported.skipped.some((s: string) => s.endsWith('current.sql')), 'current.sql is listed as skipped')
    for (const [i, m] of (imported.imported as Array<{ source: string; up: string; down: string; irreversible: boolean }>).entries()) {
      const source = readFileSync(resolve(p.dir, m.source), 'utf8')
      assert.match(source, /^--! Previous: /)
      const body = source.slice(source.indexOf('\n\n') + 2)
      assert.ok(readFileSync(resolve(p.dir, m.up), 'utf8').endsWith(body), 'the body byte for byte')
      assert.is(body.trim(), STEPS[i]!.sql.trim())
      assert.ok(m.irreversible)
      assert.match(readFileSync(resolve(p.dir, m.down), 'utf8'), '-- irreversible: imported from graphile-migrate without a down')
    }

    const fullUrl = serverUrlFor(full)
    assert.match((await ok(['adopt', '--url', fullUrl], p.dir)).stdout, 'Recorded 4 revisions from graphile-migrate')
    assert.equal(json(await ok(['current', '--url', fullUrl, '--json'], p.dir)).current, [revs[3]])
    assert.match((await ok(['upgrade', '--url', fullUrl], p.dir)).stdout, `Already up to date at ${revs[3]}`)
    assert.fixture(dumpSchema(fullUrl, omit), built)

    const partUrl = serverUrlFor(partial)
    assert.equal(json(await ok(['adopt', '--url', partUrl, '--json'], p.dir)).stamped, revs.slice(0, 3))
    const steps = async () => (json(await ok(['upgrade', '--url', partUrl, '--json'], p.dir)).steps as Array<{ revision: string }>).map((s) => s.revision)
    assert.equal(await steps(), [revs[3]])
    assert.equal(await steps(), [], 'nothing runs twice')
    assert.fixture(dumpSchema(partUrl, omit), built)

    const next = await createMigration(p.dir, 'tags', 'create table tags (name text primary key);', 'drop table tags;')
    assert.match((await ok(['upgrade', '--url', fullUrl], p.dir)).stdout, next)
    assert.match(dumpSchema(fullUrl, omit), 'CREATE TABLE public.tags')
    assert.equal(json(await ok(['current', '--url', fullUrl, '--json'], p.dir)).current, [next])
    await ok(['downgrade', '-1', '--url', fullUrl], p.dir)
    assert.fixture(dumpSchema(fullUrl, omit), built, 'downgrade -1 undoes the new one')
  } finally {
    p.cleanup()
    for (const db of [full, partial, shadow]) await adminExec(`drop database if exists ${db} with (force)`)
  }
})

test.run()
