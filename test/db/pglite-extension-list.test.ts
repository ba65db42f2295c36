/**
 * The pure scanners behind the embedded database's set-up (the extensions SQL creates, the roles
 * it names) and the table of PGlite's extensions, checked against the package and the README.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from '../helpers/cli.ts'
import { createdExtensions } from '../../src/sql/extensions.ts'
import { referencedRoles, roleNames } from '../../src/sql/roles.ts'
import { PGLITE_EXTENSIONS, withRequired } from '../../src/db/pglite-extensions.ts'
import { EXIT, ExtensionUnavailableError } from '../../src/errors.ts'

test('createdExtensions: plain, IF NOT EXISTS, quoted, schema-qualified options; not in comments or strings', () => {
  const sql = `create extension pgcrypto;
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
    -- create extension ltree;
    /* create extension seg; */
    select 'create extension isn';
    Create Extension CITEXT cascade;
    do $$ begin execute 'create extension pg_trgm'; end $$;
    do $body$ begin create extension if not exists hstore; exception when others then null; end $body$;`
  assert.equal(createdExtensions(sql), ['pgcrypto', 'uuid-ossp', 'citext', 'hstore'])
  assert.equal(createdExtensions('create table extension (id int)'), [])
})

test('withRequired adds what an extension requires, before it; unknown ones are a typed error naming them', () => {
  assert.equal(withRequired(['earthdistance']), ['cube', 'earthdistance'])
  assert.equal(withRequired(['plpgsql']), [])
  assert.equal(withRequired(['pgcrypto', 'cube', 'citext']), ['cube', 'citext', 'pgcrypto'], 'pgcrypto is loaded last')
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
    assert.is(e.exitCode, EXIT.failed)
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
  assert.equal(roleNames(`do $$ begin grant select on t to in_do; end $$; create function f() returns void language sql as $$ select 1 $$`).referenced, ['in_do'])
})

test.run()
