/** `sqlmig verify` (the stairway test) catches a wrong down in every object kind autogenerate knows. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { verify } from '../../src/commands/verify.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, serverAvailable } from '../helpers/targets.ts'

const SETUP = `create table t (id int primary key, v text, n int);
create function f() returns int language sql as $$ select 1 $$;
create function tf() returns trigger language plpgsql as $$ begin return new; end $$;`

/** [object kind, up, a down that does not undo the up exactly]. */
const CASES: Array<[string, string, string]> = [
  ['schema', 'create schema s;', 'select 1;'],
  ['table', 'create table x (id int);', 'select 1;'],
  ['column', 'alter table t add column c int;', 'select 1;'],
  ['column', 'alter table t alter column n set default 5;', 'alter table t alter column n set default 6;'],
  ['column', 'alter table t alter column v set not null;', 'select 1;'],
  ['constraint', 'alter table t add constraint t_n_check check (n > 0);', 'select 1;'],
  ['index', 'alter table t add constraint t_v_key unique (v);', 'alter table t drop constraint t_v_key; create unique index t_v_key on t (v);'],
  ['index', 'create index t_v_idx on t (v);', 'select 1;'],
  ['index', 'create index t_v_idx on t (v) where n > 0;', 'drop index t_v_idx; create index t_v_idx on t (v);'],
  ['enum', "create type mood as enum ('a', 'b');", 'select 1;'],
  ['domain', 'create domain posint as int check (value > 0);', 'select 1;'],
  ['sequence', 'create sequence sq;', 'select 1;'],
  ['view', 'create view w as select id from t;', 'select 1;'],
  ['view', 'create materialized view mw as select id from t;', 'select 1;'],
  ['function', 'create or replace function f() returns int language sql as $$ select 2 $$;', 'select 1;'],
  ['function', 'create procedure p() language sql as $$ select 1 $$;', 'select 1;'],
  ['trigger', 'create trigger tt before insert on t for each row execute function tf();', 'select 1;'],
  ['table', 'alter table t enable row level security;', 'select 1;'],
  ['policy', 'create policy pol on t using (n > 0);', 'select 1;'],
  ['table', "comment on table t is 'hello';", 'select 1;'],
]

test('verify passes a correct history and reports each wrong down with the object kind that differs', async () => {
  const good = tempProject(migrationFiles(chain([
    { revision: 'aaaa0001', up: SETUP, down: 'drop function tf(); drop function f(); drop table t;' },
    { revision: 'aaaa0002', up: 'create index t_v_idx on t (v);', down: 'drop index t_v_idx;' },
  ])))
  try {
    const r = await verify({ cwd: good.dir })
    assert.equal(r.findings, [])
    assert.is(r.ok, true)
    assert.is(r.checked, 2)
  } finally {
    good.cleanup()
  }
  for (const [kind, up, down] of CASES) {
    const p = tempProject(migrationFiles(chain([
      { revision: 'aaaa0001', up: SETUP, down: 'drop function tf(); drop function f(); drop table t;' },
      { revision: 'bbbb0002', up, down },
    ])))
    // A scratch database on the server is much faster than starting PGlite 20 times.
    const scratch = await newTarget((await serverAvailable()) ? 'postgres' : 'pglite')
    try {
      const r = await verify({ cwd: p.dir, url: scratch.url })
      assert.is(r.ok, false, up)
      const finding = r.findings.find((f) => f.kind === 'down-mismatch')
      assert.ok(finding, `down-mismatch reported for: ${up}`)
      assert.is(finding!.revision, 'bbbb0002')
      assert.ok(finding!.differences.some((d) => d.kind === kind), `${kind} difference for "${up}": ${JSON.stringify(finding!.differences)}`)
    } finally {
      p.cleanup()
      await scratch.cleanup()
    }
  }
})

test('verify through the CLI: exit 1 with --json findings for two heads, an empty down and an up that fails', async () => {
  const p = tempProject(migrationFiles([
    { revision: 'aaaa0001', up: 'create table t (id int);', down: 'drop table t;' },
    { revision: 'bbbb0002', parents: ['aaaa0001'], up: 'create table u (id int);', down: '' },
    { revision: 'cccc0003', parents: ['aaaa0001'], up: 'create table t (id int);', down: 'select 1;' },
  ]))
  try {
    const r = await runCli(['verify', '--json'], p.dir)
    assert.is(r.code, 1, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.is(out.ok, false)
    assert.equal(out.findings.map((f: { kind: string }) => f.kind), ['multiple-heads', 'empty-down', 'up-failed'])
    assert.match(out.findings[2].message, 'relation "t" already exists (42P07)')
    const text = await runCli(['verify'], p.dir)
    assert.is(text.code, 1)
    assert.match(text.stdout, 'There are 2 heads (bbbb0002, cccc0003)')
  } finally {
    p.cleanup()
  }
})

test('an irreversible revision is not downgraded by verify and needs no down SQL', async () => {
  const p = tempProject(migrationFiles(chain([
    { revision: 'aaaa0001', up: 'create table t (id int);', down: 'drop table t;' },
    { revision: 'bbbb0002', up: 'drop table t;', downHeader: '-- irreversible: the data is gone\n', down: '' },
  ])))
  try {
    const r = await verify({ cwd: p.dir })
    assert.equal(r.findings, [])
    assert.is(r.checked, 2)
  } finally {
    p.cleanup()
  }
})

test.run()
