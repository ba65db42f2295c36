/**
 * Issue 15, item 5: a file that runs in a transaction and holds a statement PostgreSQL refuses
 * inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...) is refused when the
 * files are read, by every command that reads them: exit 5, file:line:column, nothing run.
 * The same file marked `-- transaction: false` runs; `create --no-transaction` marks both files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Database } from '../../src/db/database.ts'
import { openDatabase } from '../../src/db/open.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** Tables and indexes in public (with whether each index is valid), and the applied revisions. */
async function stateOf(url: string): Promise<{ tables: string[]; indexes: string[]; applied: string[] }> {
  return await withDb(url, async (db) => {
    const tables = (await db.query<{ t: string }>(`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).map((r) => r.t)
    const indexes = (await db.query<{ i: string }>(`select c.relname || case when x.indisvalid then '' else ' (invalid)' end as i from pg_index x join pg_class c on c.oid = x.indexrelid where c.relnamespace = 'public'::regnamespace and c.relname not like 'sqlmig%' order by 1`)).map((r) => r.i)
    const applied = tables.includes('sqlmig_version') ? (await db.query<{ r: string }>('select revision as r from sqlmig_version order by applied_order')).map((r) => r.r) : []
    return { tables: tables.filter((t) => t !== 'sqlmig_version'), indexes, applied }
  })
}

const EMPTY = { tables: [], indexes: [], applied: [] }

for (const kind of await targetKinds()) {
  test(`${kind}: CREATE INDEX CONCURRENTLY in a transactional file is refused when the files are read (exit 5, file:line), by every command; nothing is created`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'aaaa00000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
      { revision: 'aaaa00000002', up: 'create table t2 (id int);\ncreate index concurrently t2_id on t2 (id);', down: 'drop table t2;' },
    ])))
    try {
      const commands = [['upgrade'], ['upgrade', '--dry-run'], ['upgrade', '--sql', '--from', 'base'], ['upgrade', 'aaaa00000001'], ['history'], ['current'], ['downgrade', 'base']]
      for (const args of commands) {
        const r = await runCli([...args, '--url', t.url], p.dir)
        assert.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`)
        assert.is(r.stdout, '', args.join(' '))
        assert.match(r.stderr, 'error: migrations/versions/0002_aaaa00000002.up.sql:7:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction block', args.join(' '))
      }
      const r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.stderr.split('\n').filter((line) => !line.startsWith('Using database')).join('\n'), [
        `error: migrations/versions/0002_aaaa00000002.up.sql:7:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this migration runs inside sqlmig's transaction`,
        '  create index concurrently t2_id on t2 (id);',
        '  ^',
        '  PostgreSQL refuses it there (SQLSTATE 25001)',
        'hint: Add "-- transaction: false" to the header of migrations/versions/0002_aaaa00000002.up.sql (it then runs alone, outside a transaction, statement by statement)',
        '',
      ].join('\n'))
      const json = await runCli(['upgrade', '--json', '--url', t.url], p.dir)
      assert.is(json.code, 5)
      const error = JSON.parse(json.stdout).error
      assert.is(error.code, 'NOT_IN_TRANSACTION')
      assert.equal(error.location, { file: 'migrations/versions/0002_aaaa00000002.up.sql', line: 7, column: 1 })
      assert.equal(await stateOf(t.url), EMPTY, 'nothing was created, not even the version table')
      const verify = await runCli(['verify'], p.dir)
      assert.is(verify.code, 5, verify.stderr)
      assert.match(verify.stderr, '0002_aaaa00000002.up.sql:7:1: CREATE INDEX CONCURRENTLY')
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: the same migration with "-- transaction: false" in both files builds the index outside a transaction, and downgrade drops it`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'bbbb00000001', up: 'create table t1 (id int);\ninsert into t1 select generate_series(1, 1000);', down: 'drop table t1;' },
      {
        revision: 'bbbb00000002', upHeader: '-- transaction: false', downHeader: '-- transaction: false',
        up: 'create index concurrently t1_id on t1 (id);\nreindex index concurrently t1_id;\nvacuum analyze t1;', down: 'drop index concurrently t1_id;',
      },
    ])))
    try {
      const up = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(up.code, 0, up.stderr)
      // Inside a transaction the server refuses all three (25001): they ran outside one.
      assert.equal(await stateOf(t.url), { tables: ['t1'], indexes: ['t1_id'], applied: ['bbbb00000001', 'bbbb00000002'] })
      const down = await runCli(['downgrade', 'bbbb00000001', '--url', t.url], p.dir)
      assert.is(down.code, 0, down.stderr)
      assert.equal(await stateOf(t.url), { tables: ['t1'], indexes: [], applied: ['bbbb00000001'] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: an up marked "transaction: false" whose down lacks the header is refused before the upgrade, naming the down file`, async () => {
    // The production accident: the upgrade works, the downgrade fails with 25001 on the day it is needed.
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'cccc00000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
      { revision: 'cccc00000002', upHeader: '-- transaction: false', up: 'create index concurrently t1_id on t1 (id);', down: '-- undo\ndrop index concurrently t1_id;' },
    ])))
    try {
      for (const args of [['upgrade'], ['history'], ['upgrade', '--sql', '--from', 'base']]) {
        const r = await runCli([...args, '--url', t.url], p.dir)
        assert.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`)
        assert.is(r.stderr.split('\n').filter((line) => !line.startsWith('Using database')).join('\n'), [
          `error: migrations/versions/0002_cccc00000002.down.sql:4:1: DROP INDEX CONCURRENTLY cannot run inside a transaction block, and this down file runs inside sqlmig's transaction (its up file is "transaction: false")`,
          '  drop index concurrently t1_id;',
          '  ^',
          '  PostgreSQL refuses it there (SQLSTATE 25001); migrations/versions/0002_cccc00000002.up.sql has "-- transaction: false", this file has not, so the upgrade would run and the downgrade fail here',
          'hint: Add "-- transaction: false" to the header of migrations/versions/0002_cccc00000002.down.sql, as its up file has (it then runs alone, outside a transaction, statement by statement)',
          '',
        ].join('\n'), args.join(' '))
      }
      assert.equal(await stateOf(t.url), EMPTY)
      // Fixed as the hint says, both directions run.
      const down = join(p.dir, 'migrations/versions/0002_cccc00000002.down.sql')
      writeFileSync(down, readFileSync(down, 'utf8').replace('-- revision: cccc00000002\n', '-- revision: cccc00000002\n-- transaction: false\n'))
      assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
      const back = await runCli(['downgrade', 'base', '--url', t.url], p.dir)
      assert.is(back.code, 0, back.stderr)
      assert.equal(await stateOf(t.url), EMPTY)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: VACUUM and CREATE DATABASE in comments, strings, quoted names and function bodies are no statements`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      {
        revision: 'dddd00000001',
        up: [
          '-- vacuum; create database d;',
          '/* drop database d; */',
          'create table "vacuum" (c int, "database" text default \'create index concurrently i on t (x); vacuum\');',
          'create index concurrently_idx on "vacuum" (c);',
          'create index "concurrently" on "vacuum" ("database");',
          "create function f() returns void language plpgsql as $$ begin execute 'vacuum'; end $$;",
          "do $$ begin if false then vacuum; end if; end $$;",
          "comment on table \"vacuum\" is 'run vacuum; later';",
        ].join('\n'),
        down: 'drop function f();\ndrop table "vacuum";',
      },
    ])))
    try {
      const r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.equal(await stateOf(t.url), { tables: ['vacuum'], indexes: ['concurrently', 'concurrently_idx'], applied: ['dddd00000001'] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('every refused file is listed at once (exit 5)', async () => {
  const p = tempProject(migrationFiles(chain([
    { revision: 'eeee00000001', up: 'vacuum;', down: 'select 1;' },
    { revision: 'eeee00000002', up: 'select 1;', down: 'begin;\nselect 1;\ncommit;' },
  ])))
  try {
    const r = await runCli(['history'], p.dir)
    assert.is(r.code, 5, r.stderr)
    assert.match(r.stderr, 'error: 2 problems in the migration files')
    assert.match(r.stderr, 'migrations/versions/0001_eeee00000001.up.sql:6:1: VACUUM cannot run inside a transaction block')
    assert.match(r.stderr, 'migrations/versions/0002_eeee00000002.down.sql:3:1: BEGIN in a migration that runs inside sqlmig\'s transaction')
  } finally {
    p.cleanup()
  }
})

test('"create --no-autogenerate --no-transaction" writes "-- transaction: false" in both files, and the pair runs both ways', async () => {
  const q = tempProject({ 'migrations/versions/.keep': '' })
  try {
    const created = await runCli(['create', 'index users', '--no-autogenerate', '--no-transaction', '--json'], q.dir)
    assert.is(created.code, 0, created.stderr)
    const folder = join(q.dir, 'migrations', 'versions')
    const names = readdirSync(folder).filter((n) => n.endsWith('.sql')).sort()
    assert.is(names.length, 2)
    for (const name of names) {
      const text = readFileSync(join(folder, name), 'utf8')
      assert.match(text, /^(-- [a-z_]+: .*\n)*-- transaction: false\n\n/, name)
    }
    const [down, up] = names.map((n) => join(folder, n))
    writeFileSync(up!, `${readFileSync(up!, 'utf8')}create table users (id int);\ncreate index concurrently users_id on users (id);\n`)
    writeFileSync(down!, `${readFileSync(down!, 'utf8')}drop index concurrently users_id;\ndrop table users;\n`)
    const url = 'pglite:' + join(q.dir, 'db')
    const upgrade = await runCli(['upgrade', '--url', url], q.dir)
    assert.is(upgrade.code, 0, upgrade.stderr)
    const downgrade = await runCli(['downgrade', 'base', '--url', url], q.dir)
    assert.is(downgrade.code, 0, downgrade.stderr)
  } finally {
    q.cleanup()
  }
})

test.run()
