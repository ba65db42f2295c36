/**
 * Issue 17, `sqlmig pull` and `sqlmig baseline` on the server (PGlite: pull-baseline-pglite.test.ts): a database built
 * without sqlmig gets a declared schema that `check` finds equal to what the migrations build,
 * and a baseline migration recorded as applied there (upgrade is a no-op; a fresh database
 * upgraded gets the same schema, pg_dump for pg_dump; the down drops it all). A database that
 * already has sqlmig history is refused.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { dumpSchema, json, ok, SCHEMA } from './adopt-helpers.ts'

const server = await serverAvailable()




function psql(url: string, sql: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' })
}

test('server: baseline a database sqlmig never migrated; upgrade is a no-op there, a fresh database gets the same schema; pull -> check converges', async () => {
  if (!server) return
  const [a, b] = [uniqueName('sqlmig_base_a'), uniqueName('sqlmig_base_b')]
  await adminExec(`create database ${a}`)
  await adminExec(`create database ${b}`)
  const p = tempProject()
  const q = tempProject()
  try {
    const [ua, ub] = [serverUrlFor(a), serverUrlFor(b)]
    psql(ua, SCHEMA)
    const built = dumpSchema(ua, [])
    const base = json(await ok(['baseline', '--url', ua, '-m', 'Baseline', '--json'], p.dir))
    assert.is(base.objects, 8)
    assert.match(readFileSync(join(p.dir, base.down), 'utf8'), '-- WARNING: destructive')
    assert.equal(json(await ok(['current', '--url', ua, '--json'], p.dir)).current, [base.revision])
    assert.equal(json(await ok(['upgrade', '--url', ua, '--json'], p.dir)).steps, [], 'nothing runs on the baselined database')
    assert.fixture(dumpSchema(ua, ['sqlmig_version', 'sqlmig_version_pkey']), built)
    await ok(['upgrade', '--url', ub], p.dir)
    assert.fixture(dumpSchema(ub, ['sqlmig_version', 'sqlmig_version_pkey']), built)
    await ok(['downgrade', 'base', '--url', ub], p.dir)
    assert.not.match(dumpSchema(ub, ['sqlmig_version', 'sqlmig_version_pkey']), /CREATE (SCHEMA|TABLE|TYPE|FUNCTION|VIEW|INDEX|SEQUENCE)/, 'the down drops it all')
    // pull writes the declared schema; check finds the migrations build exactly it.
    const pulled = json(await ok(['pull', '--url', ua, '--json'], p.dir))
    assert.equal(pulled.files, [join('migrations', 'schema.sql')])
    const text = readFileSync(join(p.dir, 'migrations', 'schema.sql'), 'utf8')
    assert.not.match(text, /schema public|extension|sqlmig_version/i)
    assert.ok(text.indexOf('CREATE SCHEMA app') < text.indexOf('CREATE TABLE app.users') && text.indexOf('CREATE TABLE app.users') < text.indexOf('CREATE VIEW app.counts'), 'dependency-ordered')
    await ok(['check', '--shadow-url', ub], p.dir)
    // --split: a folder that check reads in name order, replacing schema.sql.
    const split = json(await ok(['pull', '--url', ua, '--split', '--json'], p.dir))
    assert.ok(split.files.length > 3)
    assert.equal(split.removed, [join('migrations', 'schema.sql')])
    assert.not.ok(existsSync(join(p.dir, 'migrations', 'schema.sql')))
    assert.equal(readdirSync(join(p.dir, 'migrations', 'schema')).slice(0, 2), ['001_app_schema.sql', '002_app_enum.sql'])
    await ok(['check', '--shadow-url', ub], p.dir)
    // A database with sqlmig history is no baseline's.
    const again = await runCli(['baseline', '--url', ua, '-m', 'Baseline'], q.dir)
    assert.is(again.code, 1)
    assert.match(again.stderr, `Cannot baseline: sqlmig's version table public.sqlmig_version already records 1 revision in`)
    assert.match(again.stderr, 'hint: This database already has sqlmig history: write the next change with "sqlmig create <message>" instead')
    assert.equal(readdirSync(join(q.dir, 'migrations', 'versions')), [], 'nothing written')
  } finally {
    p.cleanup()
    q.cleanup()
    await adminExec(`drop database if exists ${a} with (force)`)
    await adminExec(`drop database if exists ${b} with (force)`)
  }
})

test.run()
