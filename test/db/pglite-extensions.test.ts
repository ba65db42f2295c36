/**
 * The embedded database (PGlite) loads the contrib extensions the project's SQL creates (and
 * sqlmig.json's "pgliteExtensions"), refuses the ones PGlite lacks with a typed error, and its
 * throwaway databases (shadows, verify's pglite:memory) get the roles the SQL names. Through the
 * CLI only, as a user runs it; the scanners and the extension list are tested in
 * test/db/pglite-extension-list.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { EXIT } from '../../src/errors.ts'

const versions = (dir: string) => readdirSync(join(dir, 'migrations', 'versions')).sort()

test('upgrade on the embedded default loads pgcrypto, uuid-ossp, citext, cube, earthdistance; the reopened data directory has them too', async () => {
  const p = tempProject(migrationFiles(chain([
    {
      revision: 'a1',
      up: `create extension pgcrypto; create extension "uuid-ossp"; create extension citext; create extension cube; create extension earthdistance;
create table people (id uuid primary key default gen_random_uuid(), other uuid default uuid_generate_v4(), email citext unique, h text default crypt('x', '$2a$06$abcdefghijklmnopqrstuu'),
  d float8 default earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1)));
insert into people (email) values ('A@example.com');`,
      down: 'drop table people; drop extension earthdistance; drop extension cube; drop extension citext; drop extension "uuid-ossp"; drop extension pgcrypto;',
    },
    {
      revision: 'b2',
      // Run by a second process on the reopened directory: uses every extension's functions and types.
      up: `insert into people (email) select 'a@EXAMPLE.com' where not exists (select 1 from people where email = 'a@example.com');
insert into people (email, h, d) values ('b@example.com', crypt('y', '$2a$06$abcdefghijklmnopqrstuu'), earth_distance(ll_to_earth(1, 1), ll_to_earth(2, 2)));
insert into people (id, email) values (uuid_generate_v4(), 'c@example.com');`,
      down: `delete from people where email in ('b@example.com', 'c@example.com');`,
    },
  ])))
  try {
    let r = await runCli(['upgrade', 'a1'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['upgrade'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['current'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'b2')
  } finally {
    p.cleanup()
  }
})

test('create on PGlite shadows from a declared schema using pg_trgm and hstore writes a migration; upgrade and check then agree', async () => {
  const p = tempProject({
    'migrations/versions/.keep': '',
    'migrations/schema.sql': `create extension pg_trgm;
create extension hstore;
create table docs (id int primary key, title text not null, attrs hstore);
create index docs_title_trgm on docs using gin (title gin_trgm_ops);
`,
  })
  try {
    let r = await runCli(['create', 'x'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    const up = versions(p.dir).find((n) => n.endsWith('.up.sql'))
    assert.ok(up, 'a migration was written')
    assert.match(readFileSync(join(p.dir, 'migrations', 'versions', up!), 'utf8'), /gin_trgm_ops/)
    r = await runCli(['upgrade'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')
  } finally {
    p.cleanup()
  }
})

test('an extension PGlite does not ship: the typed error names it and lists the ones it has, before anything runs', async () => {
  const p = tempProject(migrationFiles(chain([{ revision: 'a1', up: 'create extension postgis;\ncreate table t (id int);', down: 'drop table t; drop extension postgis;' }])))
  try {
    const r = await runCli(['upgrade'], p.dir)
    // ExtensionUnavailableError's exit code (test/db/pglite-extension-list.test.ts checks the class).
    assert.is(r.code, EXIT.failed, r.stderr + r.stdout)
    assert.match(r.stderr, '"postgis"')
    assert.match(r.stderr, 'PGlite')
    assert.match(r.stderr, 'pg_walinspect, pgcrypto, plpgsql')
    assert.match(r.stderr, '--shadow-url')
    assert.ok(r.stderr.indexOf('"postgis"') < r.stderr.indexOf('--shadow-url'))
    assert.not.ok(existsSync(join(p.dir, '.sqlmig', 'pgdata', 'PG_VERSION')), 'no database was created')
  } finally {
    p.cleanup()
  }
})

test('"pgliteExtensions" in sqlmig.json makes an extension available that the SQL creates where the scan cannot see it', async () => {
  const files = migrationFiles(chain([{
    revision: 'a1',
    up: `do $$ begin execute 'create extension pg_trgm'; end $$;\ncreate table t (s text default similarity('abc', 'abd')::text);`,
    down: 'drop table t; drop extension pg_trgm;',
  }]))
  const without = tempProject(files)
  const withConfig = tempProject({ ...files, 'sqlmig.json': JSON.stringify({ pgliteExtensions: ['pg_trgm'] }) })
  const badConfig = tempProject({ ...files, 'sqlmig.json': JSON.stringify({ pgliteExtensions: 'pg_trgm' }) })
  try {
    let r = await runCli(['upgrade'], without.dir)
    assert.is(r.code, 1, r.stderr + r.stdout)
    assert.match(r.stderr, 'pg_trgm')
    r = await runCli(['upgrade'], withConfig.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['upgrade'], badConfig.dir)
    assert.is(r.code, EXIT.usage, r.stderr + r.stdout)
    assert.match(r.stderr, 'array of strings')
  } finally {
    without.cleanup()
    withConfig.cleanup()
    badConfig.cleanup()
  }
})

test('roles the declared schema and migrations name are created on PGlite shadows and on verify\'s in-memory database', async () => {
  const p = tempProject({
    'migrations/versions/.keep': '',
    'migrations/schema.sql': 'create table t (id int);\nalter table t owner to app_owner;\ngrant select on t to app_reader;\n',
  })
  const v = tempProject(migrationFiles(chain([{
    revision: 'a1',
    up: 'create table t (id int);\ngrant select on t to app_reader;\nalter table t owner to app_owner;',
    down: 'revoke select on t from app_reader;\ndrop table t;',
  }])))
  try {
    let r = await runCli(['create', 'x'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.ok(versions(p.dir).some((n) => n.endsWith('.up.sql')), 'a migration was written')
    r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')
    r = await runCli(['verify'], v.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
  } finally {
    p.cleanup()
    v.cleanup()
  }
})

test.run()
