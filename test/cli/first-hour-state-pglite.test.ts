/**
 * Issue 16, the PGlite side of a newcomer's first hour, typed as a user types it: the first
 * initdb says so, upgrade --backup names the database before the backup, the backup's tar members
 * are relative and restore with tar -xzf -C, and slugs keep letters of any language.
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { run } from '../helpers/process.ts'
import { sleep, start, waitFor } from '../safety/helpers.ts'

const files = migrationFiles(chain([
  { revision: 'fs0000000001', message: 'Create a', up: 'create table a (id int);', down: 'drop table a;' },
  { revision: 'fs0000000002', message: 'Create b', up: 'create table b (id int);', down: 'drop table b;' },
]))

test('pglite: the first initdb says so; upgrade --backup names the database first, then the backup, whose tar members are relative; slugs keep letters', async () => {
  const p = tempProject(files)
  try {
    const first = await runCli(['upgrade', 'fs0000000001'], p.dir)
    assert.is(first.code, 0, first.stderr)
    assert.equal(first.stderr.split('\n').slice(0, 2), [
      `Using database pglite:${p.dir}/.sqlmig/pgdata (the embedded default)`,
      `Creating the embedded database in ${p.dir}/.sqlmig/pgdata (PGlite's initdb, a few seconds the first time)`,
    ])
    const up = await runCli(['upgrade', '--backup', 'bk'], p.dir)
    assert.is(up.code, 0, up.stderr)
    const lines = up.stderr.trimEnd().split('\n')
    assert.is(lines[0], `Using database pglite:${p.dir}/.sqlmig/pgdata (the embedded default)`)
    assert.is(lines[1], 'Backing up "pgdata" into bk (its data directory as .tar.gz)')
    assert.match(lines[2]!, /^Backed up to bk\/pgdata-fs0000000001-\d{14}\.tar\.gz \(\d/)
    assert.is(lines[3], '[1/1] Applying fs0000000002: Create b')
    assert.is(up.stderr.split('Using database').length, 2, 'named once')
    assert.not.match(up.stderr, 'Creating the embedded database')
    const [archive] = readdirSync(join(p.dir, 'bk'))
    const listed = await run('tar', ['-tzvf', join('bk', archive!)], p.dir)
    assert.is(listed.code, 0, listed.stderr)
    assert.is(listed.stderr, '', 'no "Removing leading /"')
    const names = listed.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/).slice(5).join(' '))
    assert.ok(names.includes('PG_VERSION') && names.includes('base/1/112'), names.slice(0, 5).join(', '))
    assert.ok(names.every((n) => !n.startsWith('/')), names.find((n) => n.startsWith('/')))
    mkdirSync(join(p.dir, 'restored'))
    assert.is((await run('tar', ['-xzf', join('bk', archive!), '-C', 'restored'], p.dir)).code, 0)
    const restored = await runCli(['current', '--url', 'pglite:restored'], p.dir)
    assert.is(restored.stdout, 'fs0000000001 Create a\n', restored.stderr)
    const created = await runCli(['create', "l'été", '--no-autogenerate'], p.dir)
    assert.is(created.code, 0, created.stderr)
    assert.match(created.stdout, /_[0-9a-f]{12}_l_ete\.up\.sql\n/)
    const cyrillic = await runCli(['create', 'Добавить таблицу', '--no-autogenerate', '--json'], p.dir)
    assert.match(cyrillic.stdout, /_добавить_таблицу\.up\.sql"/)
  } finally {
    p.cleanup()
  }
})

test('pglite: after Ctrl-C the caret points at the statement that was running, not the next one', async () => {
  const slow = migrationFiles(chain([{ revision: 'si0000000001', message: 'slow', up: 'create table a (id int);\nselect pg_sleep(3);\ncreate table b (id int);', down: 'drop table b;\ndrop table a;' }]))
  const p = tempProject(slow)
  try {
    const run = start(['upgrade'], p.dir)
    await waitFor('the migration to start', () => run.stderr().includes('[1/1] Applying si0000000001'), 90_000)
    await sleep(1000)
    run.child.kill('SIGINT')
    const r = await run.done
    assert.is(r.code, 130, r.stderr)
    assert.match(r.stderr, 'error: migrations/versions/0001_si0000000001.up.sql:7:1: Interrupted by SIGINT: the unfinished transaction was rolled back and the migration lock released\n  select pg_sleep(3);\n  ^\n')
  } finally {
    p.cleanup()
  }
})

test.run()
