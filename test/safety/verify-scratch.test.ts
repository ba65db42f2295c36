/**
 * `verify --url` only on an empty scratch database (issue 13, case 2): it runs every down and
 * undoes what it applied, so on a database holding a user's objects it used to drop a user's
 * table, commit that, and leave the version table claiming the migration applied. Anything that
 * is not empty (tables, a version table, functions, types, schemas, extensions) is refused with
 * exit 2 before the database is touched.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { chain, exampleProject, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

const HINT = 'hint: verify runs every migration up and down and drops what it creates: give --url an empty database ("createdb sqlmig_verify"), or leave out --url to verify on an embedded in-memory database'

/** Every table with its row count, and the applied revisions: what must not change. */
async function snapshot(url: string): Promise<{ tables: [string, number][]; applied: string[] }> {
  const db = await openDatabase(url)
  try {
    const names = (await db.query<{ t: string }>(`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).map((r) => r.t)
    const tables: [string, number][] = []
    for (const t of names) tables.push([t, Number((await db.query<{ n: string }>(`select count(*) as n from public."${t}"`))[0]!.n)])
    const applied = names.includes('sqlmig_version') ? (await db.query<{ r: string }>('select revision as r from sqlmig_version order by applied_order')).map((r) => r.r) : []
    return { tables, applied }
  } finally {
    await db.close()
  }
}

for (const kind of await targetKinds()) {
  test(`${kind}: verify --url on the application's database (tables, rows, a version table) is refused with exit 2 and changes nothing`, async () => {
    const t = await newTarget(kind)
    const p = exampleProject()
    try {
      const up = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(up.code, 0, up.stderr)
      const db = await openDatabase(t.url)
      try {
        await db.exec(`insert into users (email) values ('a@example.com')`)
      } finally {
        await db.close()
      }
      const before = await snapshot(t.url)
      for (const args of [['verify', '--url', t.url], ['verify', '--url', t.url, '--json']]) {
        const r = await runCli(args, p.dir)
        assert.is(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
        if (args.includes('--json')) {
          const e = JSON.parse(r.stdout).error
          assert.is(e.code, 'USAGE')
          assert.match(e.message, 'it is not an empty scratch database')
        } else {
          assert.match(r.stderr, /error: Cannot verify on \S+: it is not an empty scratch database \(it holds 1 function, 3 sequences, 3 tables, 1 type, including a sqlmig version table: public\.touch_updated_at, /)
          assert.match(r.stderr, HINT)
        }
      }
      assert.equal(await snapshot(t.url), before, 'the database is exactly as it was')
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  // The kinds of object are the same SQL on both; the server is much quicker to start.
  if (kind === 'postgres' || !(await targetKinds()).includes('postgres')) test(`${kind}: a database holding only a user's function, type or schema is not a scratch database either`, async () => {
    for (const [sql, what] of [
      ['create function public.keep_me() returns int language sql as $$ select 1 $$', '1 function: public.keep_me'],
      ["create type public.mood as enum ('ok')", '1 type: public.mood'],
      ['create schema app', '1 schema: app'],
    ] as const) {
      const t = await newTarget(kind)
      const p = tempProject(migrationFiles(chain([{ revision: 'f0f0f0f0f0f1', up: 'create table t (id int);', down: 'drop table t;' }])))
      try {
        const db = await openDatabase(t.url)
        await db.exec(sql).finally(() => db.close())
        const r = await runCli(['verify', '--url', t.url], p.dir)
        assert.is(r.code, 2, `${sql}: ${r.stderr}`)
        assert.match(r.stderr, `it is not an empty scratch database (it holds ${what})`)
      } finally {
        p.cleanup()
        await t.cleanup()
      }
    }
  })

  test(`${kind}: verify --url on an empty database runs and leaves it empty`, async () => {
    const t = await newTarget(kind)
    const p = exampleProject()
    try {
      const r = await runCli(['verify', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stdout + r.stderr)
      assert.equal(await snapshot(t.url), { tables: [], applied: [] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
