/**
 * The embedded database (PGlite) loads the contrib extensions the project's SQL creates (and
 * sqlmig.json's "pgliteExtensions"), refuses the ones PGlite lacks with a typed error, and its
 * throwaway databases (shadows, verify's pglite:memory) get the roles the SQL names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, REPO, runCli, tempProject } from '../helpers/cli.ts'
import { createdExtensions } from '../../src/sql/extensions.ts'
import { referencedRoles, roleNames } from '../../src/sql/roles.ts'
import { PGLITE_EXTENSIONS, withRequired } from '../../src/db/pglite-extensions.ts'
import { ExtensionUnavailableError, EXIT } from '../../src/errors.ts'

const versions = (dir: string) => readdirSync(join(dir, 'migrations', 'versions')).sort()

test('createdExtensions: plain, IF NOT EXISTS, quoted, schema-qualified options; not in comments or strings', () => {
  const sql = `create extension pgcrypto;
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
    -- create extension ltree;
    /* create extension seg; */
    select 'create extension isn';
    Create Extension CITEXT cascade;
    do $$ begin execute 'create extension pg_trgm'; end $$;`
  assert.equal(createdExtensions(sql), ['pgcrypto', 'uuid-ossp', 'citext'])
  assert.equal(createdExtensions('create table extension (id int)'), [])
})

test('withRequired adds what an extension requires, before it; unknown ones are a typed error naming them', () => {
  assert.equal(withRequired(['earthdistance']), ['cube', 'earthdistance'])
  assert.equal(withRequired(['plpgsql']), [])
  try {
    withRequired(['citext', 'postgis'])
    assert.unreachable()
  } catch (error) {
    assert.instance(error, ExtensionUnavailableError)
    const e = error as ExtensionUnavailableError
    assert.equal(e.extensions, ['postgis'])
    assert.match(e.message, '"postgis"')
    assert.match(e.message, 'PGlite')
    assert.match(e.detail!, 'pgcrypto')
  }
})

test('PGLITE_EXTENSIONS is the package\'s contrib list (plus plpgsql), and the README lists exactly those', () => {
  const contrib = join(REPO, 'node_modules', '@electric-sql', 'pglite', 'dist', 'contrib')
  const fromPackage = readdirSync(contrib).filter((n) => n.endsWith('.js')).map((n) => {
    const m = /name:"([^"]+)"/.exec(readFileSync(join(contrib, n), 'utf8'))
    return m ? m[1]! : n.slice(0, -3)
  })
  assert.equal([...PGLITE_EXTENSIONS], ['plpgsql', ...fromPackage].sort())
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const m = /<!-- pglite-extensions -->\n([\s\S]*?)\n<!-- \/pglite-extensions -->/.exec(readme)
  assert.ok(m, 'README.md has a <!-- pglite-extensions --> list')
  const listed = [...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!)
  assert.equal(listed, [...PGLITE_EXTENSIONS])
})

test('roleNames: owners, grants, revokes, policies, default privileges; not PUBLIC, CURRENT_USER, pg_*, nor roles the text creates', () => {
  const sql = `create table t (id int);
    alter table t owner to app_owner;
    grant select, insert (id) on t to app_reader, "App Writer" with grant option;
    grant app_reader to app_login;
    revoke all on t from public, legacy;
    grant select on t to current_user, session_user, pg_read_all_data;
    create policy p on t for select to app_policy, current_role using (id > 0);
    alter default privileges for role app_owner in schema public grant select on tables to app_default;
    create schema s authorization schema_owner;
    create role made_here nologin in role parent_role;
    grant made_here to app_login;
    comment on role app_owner is 'owner';
    select 'owner to not_a_role';`
  const r = roleNames(sql)
  assert.equal(r.created, ['made_here'])
  assert.equal(r.referenced.sort(), ['App Writer', 'app_default', 'app_login', 'app_owner', 'app_policy', 'app_reader', 'legacy', 'parent_role', 'schema_owner'].sort())
  assert.equal(referencedRoles(['grant select on t to a', 'create role a']), [])
})

test('upgrade on the embedded default loads pgcrypto, uuid-ossp, citext, cube, earthdistance; the reopened data directory has them too', async () => {
  const p = tempProject(migrationFiles(chain([
    {
      revision: 'a1',
      up: `create extension pgcrypto; create extension "uuid-ossp"; create extension citext; create extension cube; create extension earthdistance;
create table people (id uuid primary key default gen_random_uuid(), other uuid default uuid_generate_v4(), email citext unique, h bytea default digest('x', 'sha256'),
  d float8 default earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1)));
insert into people (email) values ('A@example.com');`,
      down: 'drop table people; drop extension earthdistance; drop extension cube; drop extension citext; drop extension "uuid-ossp"; drop extension pgcrypto;',
    },
    {
      revision: 'b2',
      // Run by a second process on the reopened directory: uses every extension's functions and types.
      up: `insert into people (email) select 'a@EXAMPLE.com' where not exists (select 1 from people where email = 'a@example.com');
insert into people (email, h, d) values ('b@example.com', digest('y', 'sha1'), earth_distance(ll_to_earth(1, 1), ll_to_earth(2, 2)));
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
    assert.is(r.code, new ExtensionUnavailableError(['postgis'], []).exitCode, r.stderr + r.stdout)
    assert.is(r.code, EXIT.failed)
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
