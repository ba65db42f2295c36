/**
 * `create` then `check` converges (issue 14, item 5): definitions whose deparsed text is not a
 * fixed point across one dump-and-reload (a CHECK with IN on a varchar column, an index
 * predicate, a view filter) are compared by what the server makes of them, not by the text
 * printed once. A real change of such a definition is still reported.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL, type Target, targetKinds } from '../helpers/targets.ts'

// Each of these alone made `check` report a change right after `create` (on PGlite and the server).
// One schema holds them all (each CLI run opens shadows: one schema keeps the test quick).
const UNSTABLE = [
  "create table t (id int primary key, x varchar(10) check (x in ('a','b')));",
  "create table u (x varchar(10)); create index ui on u (x) where x in ('a','b');",
  "create table w (x varchar(10)); create view v as select x from w where x in ('a', 'b') order by 1;",
  "create domain dv as varchar(10) check (value in ('a','b'));",
  "create table pt (x varchar(10)); alter table pt enable row level security; create policy pp on pt using (x in ('a','b'));",
  "create table g (id int primary key, x varchar(10), y varchar(10) generated always as (case when x in ('a','b') then x end) stored);",
  'create table l (x varchar(10));',
  'create function tf() returns trigger language plpgsql as $$begin return new; end$$;',
  "create trigger tw before insert on g for each row when (new.x in ('a','b')) execute function tf();",
  "create rule rw as on insert to g where new.x in ('a','b') do also insert into l values (new.x);",
  "create materialized view mv as select x from g where x in ('a','b') union all select null;",
  "create table e (r int4range, x varchar(10), exclude using gist (r with &&) where (x in ('a','b')));",
  "create function fr(x varchar) returns boolean language sql return x in ('a','b');",
  "create function fa(x varchar) returns boolean language sql begin atomic select x in ('a','b'); end;",
].join('\n')

/** What `check` names when every list really changes ('b' becomes 'c'). */
const CHANGED = [
  'Detected changed constraint public.t.t_x_check', 'public.ui', 'public.v', 'public.dv', 'pp',
  'Detected changed column public.g.y (generated expression)', 'Detected changed trigger public.g.tw',
  'Detected changed rule public.g.rw', 'public.mv', 'Detected changed constraint public.e.e_r_excl',
  'Detected changed function public.fr(', 'Detected changed function public.fa(',
]

/** --url (and --shadow-url on the server) for a target: PGlite shadows for PGlite, server shadows for the server. */
const args = (t: Target) => (t.kind === 'postgres' ? ['--url', t.url, '--shadow-url', SERVER_URL] : ['--url', t.url])

for (const kind of await targetKinds()) {
  test(`${kind}: create, upgrade, then check and diff say "No changes detected" on definitions whose deparse is not a fixed point`, async () => {
    const schema = UNSTABLE
    const t = await newTarget(kind)
    // SQL-standard function bodies need PostgreSQL 14 (PGlite alone targets 13 unless told).
    const p = tempProject({ 'migrations/schema.sql': schema, 'migrations/versions/.keep': '', 'sqlmig.json': JSON.stringify({ postgresVersion: 14 }) })
    try {
      const created = await runCli(['create', 'init', ...args(t)], p.dir)
      assert.is(created.code, 0, `${schema}\n${created.stderr}`)
      const up = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(up.code, 0, up.stderr)
      const check = await runCli(['check', ...args(t)], p.dir)
      assert.is(check.code, 0, `${schema}: check after create must converge\n${check.stdout}${check.stderr}`)
      assert.is(check.stdout, 'No changes detected: the migrations build the declared schema\n')
      const diff = await runCli(['diff', ...args(t)], p.dir)
      assert.is(diff.code, 0, diff.stderr)
      assert.is(diff.stdout, 'No changes detected\n', schema)
      // A real change to each of those definitions is still a change.
      writeFileSync(join(p.dir, 'migrations/schema.sql'), schema.replaceAll("'b'", "'c'"))
      const changed = await runCli(['check', ...args(t)], p.dir)
      assert.is(changed.code, 1, `${schema}: a changed list must be reported\n${changed.stdout}`)
      for (const n of CHANGED) assert.match(changed.stdout, n)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('verify: a down that re-adds a constraint from its deparsed text (as autogenerate writes it) restores the schema', async () => {
  const p = tempProject(migrationFiles(chain([
    { revision: 'aaaa00000001', up: "create table t (x varchar(10) check (x in ('a','b')));", down: 'drop table t;' },
    {
      revision: 'aaaa00000002',
      up: 'alter table t drop constraint t_x_check;',
      down: "ALTER TABLE public.t ADD CONSTRAINT t_x_check CHECK (((x)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])));",
    },
    // A down that really does not restore is still found.
    { revision: 'aaaa00000003', up: "alter table t add constraint t_len check (length(x) > 0);", down: "alter table t drop constraint t_len; alter table t add constraint t_other check (length(x) > 1);" },
  ])))
  try {
    const r = await runCli(['verify', '--json'], p.dir)
    assert.is(r.code, 1, r.stderr)
    const findings = JSON.parse(r.stdout).findings as { kind: string; revision: string }[]
    assert.equal(findings.map((f) => [f.kind, f.revision]), [['down-mismatch', 'aaaa00000003']])
  } finally {
    p.cleanup()
  }
})

test.run()
