/**
 * `sqlmig verify` checks every revision (issue 15, item 8): a down that fails (in a transaction,
 * or outside one half way), an up that cannot run again after its down and an empty down are
 * each reported, and the walk goes on from the state "every up so far applied", so one bad down
 * never hides the rest. `-- down: none` marks a down that has nothing to undo.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, scratchTarget, type Target, targetKinds } from '../helpers/targets.ts'

/**
 * Eight revisions. 0002's down fails in its transaction (rolled back); 0003's runs outside one
 * and fails after dropping c (0004 needs c: it is checked only if verify rebuilt the state);
 * 0005's up cannot run again after its down (the row it inserts is still there; 0006 and 0008
 * need e: rebuilt again); 0006's down is empty; 0007's is "down: none".
 */
const HISTORY = chain([
  { revision: 'aaaa0001', up: 'create table a (id int primary key);', down: 'drop table a;' },
  { revision: 'aaaa0002', up: 'create table b (id int);', down: 'drop table b;\ndrop table b_missing;' },
  { revision: 'aaaa0003', up: 'create table c (id int);', downHeader: '-- transaction: false\n', down: 'drop table c;\ndrop table c_missing;' },
  { revision: 'aaaa0004', up: 'alter table c add column x int;', down: 'alter table c drop column x;' },
  { revision: 'aaaa0005', up: 'create table e (id int);\ninsert into a values (5);', down: 'drop table e;' },
  { revision: 'aaaa0006', up: 'alter table e add column y int;', down: '' },
  { revision: 'aaaa0007', up: 'insert into a values (7);', downHeader: '-- down: none\n', down: '' },
  { revision: 'aaaa0008', up: 'create table h (id int);\nalter table e add column z int;', down: 'drop table h;\nalter table e drop column z;' },
])

const V = 'migrations/versions'
const FINDINGS = [
  {
    kind: 'down-failed',
    revision: 'aaaa0002',
    message: 'Revision "aaaa0002": its down fails: table "b_missing" does not exist (42P01)',
    differences: [],
    location: `${V}/0002_aaaa0002.down.sql:4:1`,
    file: `${V}/0002_aaaa0002.down.sql`,
    line: 4,
  },
  {
    kind: 'down-failed',
    revision: 'aaaa0003',
    message: 'Revision "aaaa0003": its down fails: table "c_missing" does not exist (42P01) (outside a transaction: what ran before the error stays, so the scratch state was rebuilt from the ups)',
    differences: [],
    location: `${V}/0003_aaaa0003.down.sql:5:1`,
    file: `${V}/0003_aaaa0003.down.sql`,
    line: 5,
  },
  {
    kind: 'reapply-failed',
    revision: 'aaaa0005',
    message: 'Revision "aaaa0005": its up fails when run again after its down: duplicate key value violates unique constraint "a_pkey" (23505)',
    differences: [],
    location: `${V}/0005_aaaa0005.up.sql:7:1`,
    file: `${V}/0005_aaaa0005.up.sql`,
    line: 7,
  },
  {
    kind: 'empty-down',
    revision: 'aaaa0006',
    message: 'Revision "aaaa0006" has an empty down file: write its down SQL, mark it "-- down: none" if undoing the up changes nothing, or "-- irreversible: <reason>"',
    differences: [],
    location: `${V}/0006_aaaa0006.down.sql`,
    file: `${V}/0006_aaaa0006.down.sql`,
    line: null,
  },
]

const TEXT = [
  `✗ ${V}/0002_aaaa0002.down.sql:4:1: Revision "aaaa0002": its down fails: table "b_missing" does not exist (42P01)`,
  `✗ ${V}/0003_aaaa0003.down.sql:5:1: Revision "aaaa0003": its down fails: table "c_missing" does not exist (42P01) (outside a transaction: what ran before the error stays, so the scratch state was rebuilt from the ups)`,
  `✗ ${V}/0005_aaaa0005.up.sql:7:1: Revision "aaaa0005": its up fails when run again after its down: duplicate key value violates unique constraint "a_pkey" (23505)`,
  `✗ ${V}/0006_aaaa0006.down.sql: Revision "aaaa0006" has an empty down file: write its down SQL, mark it "-- down: none" if undoing the up changes nothing, or "-- irreversible: <reason>"`,
  '4 findings (8 of 8 revisions checked)',
  '',
].join('\n')

/** Every user object the catalogs know of in the database: what an empty scratch database has none of. */
async function userObjectsIn(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    const rows = await db.query<{ o: string }>(`
      select 'namespace ' || nspname as o from pg_namespace
       where nspname not in ('pg_catalog', 'information_schema', 'public') and nspname !~ '^pg_(toast|temp_|toast_temp_)'
      union all select 'class ' || c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
      union all select 'proc ' || p.oid::regproc::text from pg_proc p where p.pronamespace = 'public'::regnamespace
      union all select 'type ' || t.oid::regtype::text from pg_type t where t.typnamespace = 'public'::regnamespace
      union all select 'extension ' || extname from pg_extension where extname <> 'plpgsql'
      order by 1`)
    return rows.map((r) => r.o)
  } finally {
    await db.close()
  }
}

test('verify on the embedded database checks all 8 revisions and reports every bad down, the up that cannot run again and the empty down: exit 1, --json exactly', async () => {
  const p = tempProject(migrationFiles(HISTORY))
  try {
    const r = await runCli(['verify', '--json'], p.dir)
    assert.is(r.code, 1, r.stdout + r.stderr)
    assert.equal(JSON.parse(r.stdout), {
      ok: false,
      checked: 8,
      total: 8,
      findings: FINDINGS,
      skipped: [],
      rebuilds: 2,
      left: [],
      database: 'pglite:memory',
    })
    const text = await runCli(['verify'], p.dir)
    assert.is(text.code, 1)
    assert.is(text.stdout, TEXT)
    assert.is(text.stderr, 'Verifying on pglite:memory\n')
  } finally {
    p.cleanup()
  }
})

for (const kind of await targetKinds()) {
  test(`${kind}: verify --url on a fresh scratch database reports the same findings and leaves the database empty`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(HISTORY))
    try {
      assert.equal(await userObjectsIn(t.url), [], 'empty before')
      const r = await runCli(['verify', '--url', t.url, '--json'], p.dir)
      assert.is(r.code, 1, r.stdout + r.stderr)
      const out = JSON.parse(r.stdout)
      assert.equal({ ...out, database: undefined }, { ok: false, checked: 8, total: 8, findings: FINDINGS, skipped: [], rebuilds: 2, left: [], database: undefined })
      assert.equal(await userObjectsIn(t.url), [], 'no table, sequence, function, type, schema or extension left behind')
      // And once more, as text: the database is still a scratch database verify accepts.
      const text = await runCli(['verify', '--url', t.url], p.dir)
      assert.is(text.code, 1, text.stderr)
      assert.is(text.stdout, TEXT)
      assert.equal(await userObjectsIn(t.url), [])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

for (const kind of await targetKinds()) {
  test(`${kind}: verify --url drops what the downs leave, and names what it cannot put back`, async () => {
    const t = await newTarget(kind)
    // 0002's down is empty: the end-of-walk downs stop there, so t and u are dropped by the reset; the comment stays.
    const p = tempProject(migrationFiles(chain([
      { revision: 'eeee0001', up: 'create table t (id int);', down: 'drop table t;' },
      { revision: 'eeee0002', up: "comment on schema public is 'changed';\ncreate table u (id int);", down: '' },
    ])))
    try {
      const r = await runCli(['verify', '--url', t.url], p.dir)
      assert.is(r.code, 1, r.stderr)
      assert.match(r.stdout, `✗ The scratch database could not be restored: it differs from how verify found it (1 difference)\n    schema public: comment: "standard public schema" <> "changed"\n2 findings (2 of 2 revisions checked)`)
      assert.equal(await userObjectsIn(t.url), [])
      const db = await openDatabase(t.url)
      await db.exec("comment on schema public is 'standard public schema'").finally(() => db.close())
      const json = JSON.parse((await runCli(['verify', '--url', t.url, '--json'], p.dir)).stdout)
      assert.equal(json.findings.map((f: { kind: string }) => f.kind), ['empty-down', 'not-restored'])
      assert.equal(json.left, [])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('an up that fails: its descendants are not checked, a sibling branch still is, on the state before that up (rebuilt when it ran outside a transaction)', async () => {
  const p = tempProject(migrationFiles([
    { revision: 'bbbb0001', up: 'create table a (id int);', down: 'drop table a;' },
    { revision: 'bbbb0002', parents: ['bbbb0001'], upHeader: '-- transaction: false\n', up: 'create table x (id int);\ncreate table a (id int);', down: 'drop table a; drop table x;' },
    { revision: 'bbbb0003', parents: ['bbbb0002'], up: 'create table y (id int);', down: 'drop table y;' },
    // Needs a (replayed by the rebuild) and no x (the failed up's half).
    { revision: 'bbbb0004', parents: ['bbbb0001'], up: 'create table x (id int);\nalter table a add column n int;', down: 'alter table a drop column n;\ndrop table x;' },
  ]))
  try {
    const r = await runCli(['verify', '--json'], p.dir)
    assert.is(r.code, 1, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.findings.map((f: { kind: string; revision: string; line: number | null }) => [f.kind, f.revision, f.line]), [['multiple-heads', null, null], ['up-failed', 'bbbb0002', 8]])
    assert.match(out.findings[1].message, 'relation "a" already exists (42P07)')
    assert.equal([out.checked, out.total, out.skipped, out.rebuilds], [3, 4, ['bbbb0003'], 1])
    const text = await runCli(['verify'], p.dir)
    assert.match(text.stdout, '! Not checked (an up they build on failed): bbbb0003\n2 findings (3 of 4 revisions checked)')
  } finally {
    p.cleanup()
  }
})

test('"-- down: none" on a down file with statements, with another value, or with "irreversible" is an invalid file: exit 5 naming file:line', async () => {
  const cases: Array<[string, string, string]> = [
    ['-- down: none\n', 'drop table t;', `error: ${V}/0001_cccc0001.down.sql:4:1: The header says "down: none" (line 2), but the file has statements\nhint: Remove the "-- down: none" line to run these statements, or remove the statements\n`],
    ['-- down: nothing\n', '', `error: ${V}/0001_cccc0001.down.sql:2:1: Header "down" can only be "none", not "nothing"\nhint: Write "-- down: none" for a down that has nothing to undo, or remove the line and write the down SQL\n`],
    ['-- irreversible: gone\n-- down: none\n', '', `error: ${V}/0001_cccc0001.down.sql:3:1: A down file cannot be both "down: none" (nothing to undo) and "irreversible"\nhint: Keep "-- down: none" if undoing the up changes nothing, or "-- irreversible: <reason>" if it cannot be undone\n`],
  ]
  for (const [downHeader, down, stderr] of cases) {
    const p = tempProject(migrationFiles([{ revision: 'cccc0001', up: 'create table t (id int);', downHeader, down }]))
    try {
      for (const args of [['verify'], ['upgrade']]) {
        const r = await runCli(args, p.dir)
        assert.is(r.code, 5, `${args[0]} ${downHeader}: ${r.stdout}${r.stderr}`)
        assert.is(r.stderr.replace(/^Verifying on .*\n/, ''), stderr)
      }
    } finally {
      p.cleanup()
    }
  }
})

test('downgrade runs a "-- down: none" down as a no-op, with no warning; verify accepts it, and upgrade/downgrade/upgrade again works', async () => {
  const p = tempProject(migrationFiles(chain([
    { revision: 'dddd0001', up: 'create table t (id int);', down: 'drop table t;' },
    { revision: 'dddd0002', up: 'insert into t values (1);', downHeader: '-- down: none\n', down: '' },
  ])))
  let t: Target | undefined
  try {
    const v = await runCli(['verify', '--json'], p.dir)
    assert.is(v.code, 0, v.stdout + v.stderr)
    assert.equal(JSON.parse(v.stdout).findings, [])
    // The downgrade on the server when there is one (a no-op down is not PGlite's), else PGlite.
    t = await scratchTarget()
    const url = t.url
    assert.is((await runCli(['upgrade', '--url', url], p.dir)).code, 0)
    const down = await runCli(['downgrade', 'dddd0001', '--url', url], p.dir)
    assert.is(down.code, 0, down.stderr)
    assert.not.match(down.stdout + down.stderr, /warn|empty/i)
    const cur = await runCli(['current', '--url', url, '--json'], p.dir)
    assert.equal(JSON.parse(cur.stdout).current, ['dddd0001'])
    const db = await openDatabase(url)
    try {
      assert.equal(await db.query('select id from t'), [{ id: 1 }], 'the row the up inserted is still there: the down did nothing')
    } finally {
      await db.close()
    }
  } finally {
    p.cleanup()
    await t?.cleanup()
  }
})

test.run()
