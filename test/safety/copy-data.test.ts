/**
 * `COPY ... FROM STDIN` with inline rows ending at `\.` (issue 13, case 5), as pg_dump writes
 * it: the splitter separates the rows from the SQL, the runner sends them through the COPY
 * protocol on the server and on PGlite, and a COPY FROM STDIN without rows is an error, never a
 * wait for ever (PGlite used to spin at full CPU ignoring Ctrl-C; the server run crashed with an
 * unhandled CONNECTION_CLOSED). The oracle for the data is pg_dump's own output and psql.
 */
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { UsageError } from '../../src/errors.ts'
import { splitStatements } from '../../src/sql/split.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, newTarget, SERVER_URL, serverAvailable, serverUrlFor, targetKinds, uniqueName } from '../helpers/targets.ts'

// A run that waits for COPY data nobody sends is killed after this long (run() reports code null).
const HANG_MS = 60_000

const ROWS = [
  [1, 'plain'],
  [2, 'semi; colon -- not a comment /* nor this */'],
  [3, "it's \"quoted\" $$dollar$$"],
  [4, 'tab\there'],
  [5, 'new\nline'],
  [6, 'back\\slash'],
  [7, null],
  [8, '\\.'],
  [9, 'ünïcödé ✓'],
] as const

/** The rows as COPY text format writes them (\t between fields, \N for null, backslash escapes). */
function copyText(rows: readonly (readonly [number, string | null])[]): string {
  const esc = (v: string | null) => v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')
  return rows.map(([id, v]) => `${id}\t${esc(v)}\n`).join('')
}

const pgDumpStyle = (eol: string) =>
  [
    'CREATE TABLE public.items (id integer PRIMARY KEY, label text);',
    '',
    'COPY public.items (id, label) FROM stdin;',
    copyText(ROWS).replace(/\n/g, eol) + '\\.',
    '',
    'create table public.after_copy (id int);',
    "insert into public.after_copy select count(*) from public.items;",
  ].join(eol)

test('the splitter hands the rows after COPY ... FROM stdin to the statement and resumes after the \\. line', () => {
  for (const eol of ['\n', '\r\n']) {
    const statements = splitStatements(pgDumpStyle(eol))
    assert.equal(statements.map((s) => s.text.split(eol)[0]), [
      'CREATE TABLE public.items (id integer PRIMARY KEY, label text)',
      'COPY public.items (id, label) FROM stdin',
      'create table public.after_copy (id int)',
      'insert into public.after_copy select count(*) from public.items',
    ])
    assert.is(statements[1]!.copyData, copyText(ROWS).replace(/\n/g, eol))
    assert.is(statements[2]!.line, 15, 'lines after the data are counted')
    assert.is(statements[0]!.copyData, undefined)
  }
  // csv, lower case, options, no \. at the end of the file; COPY TO STDOUT and a query mentioning stdin are not data.
  const csv = splitStatements('copy t from STDIN with (format csv, header true);\nid,name\n1,"a;b"\n')
  assert.equal(csv.map((s) => [s.text, s.copyData]), [['copy t from STDIN with (format csv, header true)', 'id,name\n1,"a;b"\n']])
  assert.is(splitStatements("copy (select 'from stdin') to stdout; select 1;").length, 2)
  assert.is(splitStatements('copy t to stdout; select 1;')[0]!.copyData, undefined)
})

for (const kind of await targetKinds()) {
  test(`${kind}: a pg_dump-style migration with COPY FROM stdin loads every row exactly, then runs the statements after it; --dry-run and --sql too`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([
      { revision: 'c0c0c0c0c0c1', up: pgDumpStyle('\n'), down: 'drop table public.after_copy; drop table public.items;' },
    ])))
    try {
      const dry = await runCli(['upgrade', '--dry-run', '--url', t.url], p.dir, {}, HANG_MS)
      assert.is(dry.code, 0, `${dry.code} ${dry.stderr}`)
      const r = await runCli(['upgrade', '--url', t.url], p.dir, {}, HANG_MS)
      assert.is(r.code, 0, `${r.code} ${r.stderr}`)
      const db = await openDatabase(t.url)
      try {
        const rows = await db.query<{ id: number; label: string | null }>('select id, label from public.items order by id')
        assert.equal(rows.map((x) => [Number(x.id), x.label]), ROWS.map((x) => [...x]))
        assert.equal(await db.query('select id::int as id from public.after_copy'), [{ id: ROWS.length }])
      } finally {
        await db.close()
      }
      const script = await runCli(['upgrade', '--sql', '--from', 'base', '--url', t.url], p.dir)
      assert.is(script.code, 0, script.stderr)
      assert.match(script.stdout, `COPY public.items (id, label) FROM stdin;\n${copyText(ROWS)}\\.\n`)
      const down = await runCli(['downgrade', 'base', '--url', t.url], p.dir)
      assert.is(down.code, 0, down.stderr)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: COPY FROM STDIN without rows given is an error at once, never a wait`, async () => {
    const t = await newTarget(kind)
    const db = await openDatabase(t.url)
    try {
      await db.exec('create table x (id int)')
      let caught: unknown
      try {
        await db.exec('COPY x FROM STDIN')
      } catch (error) {
        caught = error
      }
      assert.instance(caught, UsageError)
      assert.is((caught as Error).message, 'COPY ... FROM STDIN needs its rows, and none were given')
      // The session is still usable.
      assert.equal(await db.query('select count(*)::int as n from x'), [{ n: 0 }])
    } finally {
      await db.close()
      await t.cleanup()
    }
  })
}

test('a real pg_dump of a table with awkward values, replayed as a migration, gives the same rows on the server and on PGlite', async () => {
  if (!(await serverAvailable())) return
  const source = uniqueName('sqlmig_copy_src')
  await adminExec(`create database ${source}`)
  const sourceUrl = serverUrlFor(source)
  const src = await openDatabase(sourceUrl)
  try {
    await src.exec('create table public.items (id integer primary key, label text, data jsonb, tags text[])')
    for (const [id, label] of ROWS) {
      await src.query('insert into public.items values ($1, $2, $3, $4)', [id, label, JSON.stringify({ label, n: id }), `{"${id}","x y"}`])
    }
  } finally {
    await src.close()
  }
  const dump = spawnSync('pg_dump', ['--no-owner', '--no-acl', '--table=public.items', `--dbname=${sourceUrl}`], { encoding: 'utf8' })
  assert.is(dump.status, 0, dump.stderr)
  assert.match(dump.stdout, 'COPY public.items (id, label, data, tags) FROM stdin;')
  // pg_dump 15.14+/17.6+ brackets its output with \restrict / \unrestrict (psql meta-commands
  // sqlmig reads as comments); it also empties search_path for the session, which is left out
  // here so that the rest of the run keeps its own.
  const up = dump.stdout.split('\n').filter((l) => !/set_config\('search_path'/.test(l)).join('\n')
  const expected = await rowsOf(SERVER_URL.replace(/\/[^/]*$/, `/${source}`))
  for (const kind of await targetKinds()) {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(chain([{ revision: 'd0d0d0d0d0d1', up, down: 'drop table public.items;' }])))
    try {
      const r = await runCli(['upgrade', '--url', t.url], p.dir, {}, HANG_MS)
      assert.is(r.code, 0, `${kind}: ${r.code} ${r.stderr}`)
      assert.equal(await rowsOf(t.url), expected, kind)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  }
  await adminExec(`drop database if exists ${source} with (force)`)
})

async function rowsOf(url: string): Promise<unknown[]> {
  const db = await openDatabase(url)
  try {
    return await db.query('select id, label, data::text as data, tags::text as tags from public.items order by id')
  } finally {
    await db.close()
  }
}

test.run()
