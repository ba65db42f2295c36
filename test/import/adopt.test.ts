/**
 * Issue 17, `sqlmig adopt`: the real dbmate and node-pg-migrate migrate a server database, then
 * `sqlmig import` + `sqlmig adopt` must record the same state (current is the head, upgrade
 * applies nothing, a new migration applies, downgrade -1 works, the schema is the one the tool
 * built). golang-migrate, goose and Flyway do not install here: their tables are built with the
 * DDL their sources run (cited at each), and filled as the tools fill them. Each refusal once.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultPeersDir, ensurePeers } from '../../bench/peers.ts'
import { runCli, tempProject } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { dumpSchema, json, ok, withDatabase } from './adopt-helpers.ts'
import { rev } from './helpers.ts'

const server = await serverAvailable()
const peers = server ? ensurePeers(defaultPeersDir(), (line) => console.log(line)) : undefined

/** Runs SQL on the database at `url` with psql (stops at the first error). */
function psql(url: string, sql: string): string {
  return execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' }).trim()
}




const DBMATE = {
  'db/migrations/20230101120000_create_users.sql': `-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- migrate:down
DROP TABLE users;
`,
  'db/migrations/20230102120000_index_email.sql': `-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY users_email;
`,
}

test('dbmate: the real dbmate migrates; "sqlmig import" + "sqlmig adopt" record its state and run nothing; pull -> check converges', async () => {
  if (!server) return
  const p = tempProject(DBMATE)
  try {
    await withDatabase('sqlmig_adopt', async (url) => {
      execFileSync(peers!.dbmate, ['--url', `${url}?sslmode=disable`, '--migrations-dir', 'db/migrations', '--no-dump-schema', 'up'], { cwd: p.dir, encoding: 'utf8' })
      const built = dumpSchema(url, ['schema_migrations'])
      await ok(['import', 'db/migrations', '--from', 'dbmate'], p.dir)
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      const [r1, r2] = [rev('dbmate', '20230101120000'), rev('dbmate', '20230102120000')]
      assert.equal({ tool: adopted.tool, table: adopted.table, stamped: adopted.stamped, dropped: adopted.dropped_old }, { tool: 'dbmate', table: 'public.schema_migrations', stamped: [r1, r2], dropped: false })
      assert.equal(adopted.mapped.map((m: { version: string; revision: string }) => [m.version, m.revision]), [['20230101120000', r1], ['20230102120000', r2]])
      assert.match(adopted.mapped[1].file, `_${r2}_index_email.up.sql`)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [r2])
      assert.equal(json(await ok(['upgrade', '--url', url, '--json'], p.dir)).steps, [], 'upgrade applies nothing')
      assert.fixture(dumpSchema(url, ['schema_migrations', 'sqlmig_version', 'sqlmig_version_pkey']), built)
      // pull -> check converges (dbmate's schema_migrations, still there, is no part of the declared schema).
      await ok(['pull', '--url', url], p.dir)
      await ok(['check', '--shadow-url', url], p.dir)
      // The old table is left alone; a second adopt finds the same state.
      assert.is(psql(url, 'select count(*) from schema_migrations'), '2')
      assert.ok(json(await ok(['adopt', '--url', url, '--json'], p.dir)).already_adopted)
      // A new dbmate migration, imported, applies; downgrade -1 undoes it.
      writeFileSync(join(p.dir, 'db/migrations/20230103120000_posts.sql'), '-- migrate:up\nCREATE TABLE posts (id bigserial PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE posts;\n')
      await ok(['import', 'db/migrations', '--from', 'dbmate'], p.dir)
      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      assert.equal(up.steps.map((s: { revision: string }) => s.revision), [rev('dbmate', '20230103120000')])
      await ok(['downgrade', '-1', '--url', url], p.dir)
      assert.fixture(dumpSchema(url, ['schema_migrations', 'sqlmig_version', 'sqlmig_version_pkey']), built)
      await ok(['downgrade', '-1', '--url', url], p.dir)
      assert.not.match(dumpSchema(url, ['schema_migrations', 'sqlmig_version']), 'users_email')
    })
  } finally {
    p.cleanup()
  }
})

const NPM = {
  'migrations-npm/1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id serial PRIMARY KEY, name text);\n\n-- Down Migration\nDROP TABLE users;\n',
  'migrations-npm/1700000001000_add-email.sql': '-- Up Migration\nALTER TABLE users ADD COLUMN email text;\n\n-- Down Migration\nALTER TABLE users DROP COLUMN email;\n',
  'migrations-npm/1700000002000_add-age.sql': '-- Up Migration\nALTER TABLE users ADD COLUMN age int;\n\n-- Down Migration\nALTER TABLE users DROP COLUMN age;\n',
}

test('node-pg-migrate: the real tool applies 2 of 3; pull leaves pgmigrations out; adopt records those 2, upgrade applies the third, --drop-old drops pgmigrations', async () => {
  if (!server) return
  const p = tempProject(NPM)
  try {
    await withDatabase('sqlmig_adopt', async (url) => {
      execFileSync(peers!.nodePgMigrate, ['up', '2', '-m', 'migrations-npm'], { cwd: p.dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' })
      const built = dumpSchema(url, ['pgmigrations', 'pgmigrations_pkey', 'pgmigrations_id_seq'])
      await ok(['import', 'migrations-npm', '--from', 'node-pg-migrate'], p.dir)
      const dry = json(await ok(['adopt', '--url', url, '--json', '--dry-run', '--drop-old'], p.dir))
      assert.equal([dry.dry_run, dry.dropped_old], [true, false])
      assert.is(psql(url, "select to_regclass('sqlmig_version') is null"), 't', 'a dry run leaves no version table')
      // pull leaves node-pg-migrate's table and its serial's sequence (pgmigrations_id_seq) out of the declared schema.
      await ok(['pull', '--url', url], p.dir)
      assert.not.match(readFileSync(join(p.dir, 'migrations', 'schema.sql'), 'utf8'), 'pgmigrations')
      assert.match(readFileSync(join(p.dir, 'migrations', 'schema.sql'), 'utf8'), 'CREATE TABLE public.users')
      const adopted = json(await ok(['adopt', '--url', url, '--json', '--drop-old', '--lock-wait', '5s'], p.dir))
      const ids = ['1700000000000_create-users', '1700000001000_add-email'].map((v) => rev('node-pg-migrate', v))
      assert.equal([adopted.tool, adopted.stamped, adopted.dropped_old], ['node-pg-migrate', ids, true])
      assert.is(psql(url, "select to_regclass('pgmigrations') is null"), 't', '--drop-old dropped it')
      assert.fixture(dumpSchema(url, ['sqlmig_version', 'sqlmig_version_pkey']), built)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [ids[1]])
      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      assert.equal(up.steps.map((s: { revision: string }) => s.revision), [rev('node-pg-migrate', '1700000002000_add-age')])
      await ok(['downgrade', '-1', '--url', url], p.dir)
      assert.fixture(dumpSchema(url, ['sqlmig_version', 'sqlmig_version_pkey']), built)
    })
  } finally {
    p.cleanup()
  }
})

const GOLANG = {
  'old/1_users.up.sql': 'CREATE TABLE users (id int);\n',
  'old/1_users.down.sql': 'DROP TABLE users;\n',
  'old/2_posts.up.sql': 'CREATE TABLE posts (id int);\n',
  'old/2_posts.down.sql': 'DROP TABLE posts;\n',
  'old/3_tags.up.sql': 'CREATE TABLE tags (id int);\n',
  'old/3_tags.down.sql': 'DROP TABLE tags;\n',
}

// golang-migrate database/postgres/postgres.go, ensureVersionTable():
// CREATE TABLE IF NOT EXISTS <table> (version bigint not null primary key, dirty boolean not null)
// and setVersion(): one row, the current version (dirty while a migration runs).
const GOLANG_DDL = 'CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null)'

test('golang-migrate: its one row (version 2) adopts as the first two revisions; dirty is refused', async () => {
  if (!server) return
  const p = tempProject(GOLANG)
  try {
    await withDatabase('sqlmig_adopt', async (url) => {
      await ok(['import', 'old', '--from', 'golang-migrate'], p.dir)
      psql(url, `${GOLANG_DDL}; insert into schema_migrations values (2, true)`)
      const dirty = await runCli(['adopt', '--url', url], p.dir)
      assert.is(dirty.code, 1)
      assert.match(dirty.stderr, `golang-migrate's public.schema_migrations says version 2 is dirty`)
      assert.match(dirty.stderr, 'hint: Finish or undo version 2 by hand, record that with golang-migrate ("migrate force 2", or the version before it), then run "sqlmig adopt" again')
      psql(url, 'create table users (id int); create table posts (id int); update schema_migrations set dirty = false')
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.equal(adopted.mapped.map((m: { version: string }) => m.version), ['2'])
      assert.equal(adopted.stamped, ['1', '2'].map((v) => rev('golang-migrate', v)))
      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      assert.equal(up.steps.map((s: { revision: string }) => s.revision), [rev('golang-migrate', '3')])
    })
  } finally {
    p.cleanup()
  }
})

const GOOSE = {
  'old/00001_users.sql': '-- +goose Up\nCREATE TABLE users (id int);\n-- +goose Down\nDROP TABLE users;\n',
  'old/00002_posts.sql': '-- +goose Up\nCREATE TABLE posts (id int);\n-- +goose Down\nDROP TABLE posts;\n',
  'old/00003_tags.sql': '-- +goose Up\nCREATE TABLE tags (id int);\n-- +goose Down\nDROP TABLE tags;\n',
}

// goose internal/dialect/dialectquery/postgres.go, CreateTable():
// CREATE TABLE %s (id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL,
// is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now()); goose then inserts version 0.
const GOOSE_DDL = 'CREATE TABLE goose_db_version (id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now())'

// Flyway flyway-database-postgresql .../database/postgresql/createMetaDataTable.sql.
const FLYWAY_DDL = `CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")`

const FLYWAY = {
  'old/V1__users.sql': 'CREATE TABLE users (id int);\n',
  'old/V1_1__posts.sql': 'CREATE TABLE posts (id int);\n',
  'old/V2__tags.sql': 'CREATE TABLE tags (id int);\n',
}

const flywayRow = (rank: number, version: string | null, script: string, success = true, type = 'SQL') =>
  `insert into flyway_schema_history values (${rank}, ${version === null ? 'null' : `'${version}'`}, 'd', '${type}', '${script}', 1, 'me', now(), 1, ${success})`

test('goose and Flyway: their tables as their sources build them; a gap, a failed row, an unmapped version, no table and two tables are each refused', async () => {
  if (!server) return
  const goose = tempProject(GOOSE)
  const flyway = tempProject(FLYWAY)
  try {
    await withDatabase('sqlmig_adopt', async (url) => {
      await ok(['import', 'old', '--from', 'goose'], goose.dir)
      const none = await runCli(['adopt', '--url', url], goose.dir)
      assert.is(none.code, 2)
      assert.match(none.stderr, 'Cannot adopt: none of the version tables sqlmig knows is in')
      assert.match(none.stderr, 'hint: Check --url (the database the old tool migrated); a database no tool migrated gets its history from "sqlmig baseline -m Baseline"')
      // 1 and 3 applied, 2 applied then rolled back (older goose writes is_applied = false rows): a gap.
      psql(url, `${GOOSE_DDL}; insert into goose_db_version (version_id, is_applied) values (0, true), (1, true), (2, true), (3, true), (2, false)`)
      const gap = await runCli(['adopt', '--url', url], goose.dir)
      assert.is(gap.code, 1)
      assert.match(gap.stderr, 'Cannot adopt: goose applied version 3 but not the earlier migration it comes after')
      assert.match(gap.stderr, `_${rev('goose', '2')}_posts.up.sql`)
      assert.match(gap.stderr, 'hint: Apply the missing migrations with goose first (or undo version 3), then run "sqlmig adopt" again')
      psql(url, 'insert into goose_db_version (version_id, is_applied) values (2, true)')
      // Two tools' tables: --from picks.
      psql(url, `${FLYWAY_DDL}; ${flywayRow(1, '1', 'V1__users.sql')}; ${flywayRow(2, '1.1', 'V1_1__posts.sql', false)}`)
      const two = await runCli(['adopt', '--url', url], goose.dir)
      assert.is(two.code, 2)
      assert.match(two.stderr, 'hint: Name the tool whose table says what is applied: "sqlmig adopt --from goose" or "sqlmig adopt --from flyway"')
      assert.equal(json(await ok(['adopt', '--url', url, '--from', 'goose', '--json', '--dry-run'], goose.dir)).stamped, ['1', '2', '3'].map((v) => rev('goose', v)))

      await ok(['import', 'old', '--from', 'flyway'], flyway.dir)
      const failed = await runCli(['adopt', '--url', url, '--from', 'flyway'], flyway.dir)
      assert.is(failed.code, 1)
      assert.match(failed.stderr, "Cannot adopt: Flyway's public.flyway_schema_history records version 1.1 as failed (success = false)")
      assert.match(failed.stderr, 'hint: Undo what the failed migration did, remove its row with "flyway repair", then run "sqlmig adopt" again')
      psql(url, `delete from flyway_schema_history where not success; ${flywayRow(2, '1.1', 'V1_1__posts.sql')}; ${flywayRow(3, '7', 'V7__gone.sql')}`)
      const unmapped = await runCli(['adopt', '--url', url, '--from', 'flyway'], flyway.dir)
      assert.is(unmapped.code, 1)
      assert.match(unmapped.stderr, 'Cannot adopt: 1 version applied by flyway (public.flyway_schema_history) has no imported migration in migrations')
      assert.match(unmapped.stderr, `7 (revision ${rev('flyway', '7')})`)
      assert.match(unmapped.stderr, 'hint: Import the old tool\'s migration files first: "sqlmig import <folder> --from flyway", then run "sqlmig adopt" again')
      psql(url, 'delete from flyway_schema_history where version = \'7\'')
      const adopted = json(await ok(['adopt', '--url', url, '--from', 'flyway', '--json'], flyway.dir))
      assert.equal(adopted.stamped, ['1', '1.1'].map((v) => rev('flyway', v)))
      // sqlmig's table now holds Flyway's state: goose's project cannot adopt on top of it.
      const again = await runCli(['adopt', '--url', url, '--from', 'goose'], goose.dir)
      assert.is(again.code, 1)
      assert.match(again.stderr, 'already records 2 revisions other than the 3 goose says are applied')
      assert.match(again.stderr, 'hint: Run "sqlmig current" to see what it records; to replace it with what the old tool says, empty it first with "sqlmig stamp --purge base"')
    })
  } finally {
    goose.cleanup()
    flyway.cleanup()
  }
})

test.run()
