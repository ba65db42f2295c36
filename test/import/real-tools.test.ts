/**
 * Issue 17, end to end with the real tools: dbmate (its npm package ships the binary) and
 * node-pg-migrate migrate one server database from a fixture history; on a second database
 * `sqlmig import` + `sqlmig upgrade` must build the same schema (pg_dump --schema-only, the
 * tools' own version tables left out). The fixtures hold the markers that matter: dbmate's
 * transaction:false with CREATE INDEX CONCURRENTLY, functions with $$ bodies, a down-first
 * node-pg-migrate file. Then `sqlmig downgrade base` must undo what the downs undo.
 */
import { execFileSync } from 'node:child_process'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultPeersDir, ensurePeers } from '../../bench/peers.ts'
import { runCli, tempProject } from '../helpers/cli.ts'
import { withTwoDatabases } from './helpers.ts'
import { serverAvailable } from '../helpers/targets.ts'

// The real tools, installed with npm into a scratch folder on first use (bench/peers.ts: pinned
// versions, kept between runs). Not devDependencies: dbmate's platform packages are not all on
// every registry mirror, and a lock file that lacks them makes `npm ci` fail.
const peers = (await serverAvailable()) ? ensurePeers(defaultPeersDir(), (line) => console.log(line)) : undefined
const DBMATE = peers?.dbmate ?? 'dbmate'
const NODE_PG_MIGRATE = peers?.nodePgMigrate ?? 'node-pg-migrate'

/** The schema, without the lines of the tools' version tables (and pg_dump's own header comments). */
function schemaOf(url: string, versionTables: string[]): string {
  const u = new URL(url)
  const dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), u.pathname.slice(1)], { encoding: 'utf8' })
  // Statements are separated by blank lines in pg_dump's output: drop those naming a version table.
  return dump.split(/\n\n+/)
    .filter((block) => !versionTables.some((t) => new RegExp(`\\b${t}\\b`).test(block)))
    .filter((block) => !/^--/.test(block.trim()) || /\n[^-]/.test(block))
    .map((block) => block.split('\n').filter((l) => !l.startsWith('--') && !/^\\(un)?restrict /.test(l)).join('\n').trim())
    .filter((block) => block !== '')
    .join('\n\n')
}

const DBMATE_FILES = {
  'db/migrations/20230101120000_create_users.sql': `-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now(); -- a ; in a body
  RETURN NEW;
END;
$$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();

-- migrate:down
DROP TABLE users;
DROP FUNCTION touch();
`,
  'db/migrations/20230102120000_index_email.sql': `-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY users_email;
`,
  'db/migrations/20230103120000_posts.sql': `-- migrate:up
CREATE TYPE status AS ENUM ('draft', 'published');
CREATE TABLE posts (id bigserial PRIMARY KEY, author bigint REFERENCES users, status status DEFAULT 'draft');
COMMENT ON TABLE posts IS 'imported; from dbmate';

-- migrate:down
`,
}

test('dbmate: the real dbmate and "sqlmig import" + "sqlmig upgrade" build the same schema', async () => {
  if (!(await serverAvailable())) return
  const p = tempProject(DBMATE_FILES)
  try {
    await withTwoDatabases('sqlmig_imp', async (a, b) => {
      execFileSync(DBMATE, ['--url', `${a}?sslmode=disable`, '--migrations-dir', 'db/migrations', '--no-dump-schema', 'up'], { cwd: p.dir, encoding: 'utf8' })
      const imported = await runCli(['import', 'db/migrations', '--from', 'dbmate'], p.dir)
      assert.is(imported.code, 0, imported.stderr)
      const up = await runCli(['upgrade', '--url', b], p.dir)
      assert.is(up.code, 0, up.stderr)
      const dbmateSchema = schemaOf(a, ['schema_migrations'])
      assert.ok(dbmateSchema.includes('users_email'), 'the fixture did build something')
      assert.fixture(schemaOf(b, ['sqlmig_version', 'sqlmig_version_pkey']), dbmateSchema)
      // The downs: dbmate rolls back two migrations (the last has no down: sqlmig stops there instead).
      const down = await runCli(['downgrade', 'base', '--url', b], p.dir)
      assert.is(down.code, 1, down.stdout)
      assert.match(down.stderr, 'irreversible (imported from dbmate without a down)')
    })
  } finally {
    p.cleanup()
  }
})

const NPM_FILES = {
  'migrations-npm/1700000000000_create-users.sql': `-- Up Migration
CREATE TABLE users (id serial PRIMARY KEY, name text);
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users; $$;

-- Down Migration
DROP FUNCTION user_count();
DROP TABLE users;
`,
  'migrations-npm/1700000001000_add-email.sql': `-- Down Migration
ALTER TABLE users DROP COLUMN email;

-- Up Migration
ALTER TABLE users ADD COLUMN email text;
CREATE UNIQUE INDEX users_email ON users (email);
`,
}

test('node-pg-migrate: the real node-pg-migrate and "sqlmig import" + "sqlmig upgrade" build the same schema, and both downgrade to the same', async () => {
  if (!(await serverAvailable())) return
  const p = tempProject(NPM_FILES)
  try {
    await withTwoDatabases('sqlmig_imp', async (a, b) => {
      const env = { ...process.env, DATABASE_URL: a }
      execFileSync(NODE_PG_MIGRATE, ['up', '-m', 'migrations-npm'], { cwd: p.dir, env, encoding: 'utf8' })
      const imported = await runCli(['import', 'migrations-npm', '--from', 'node-pg-migrate'], p.dir)
      assert.is(imported.code, 0, imported.stderr)
      assert.is((await runCli(['upgrade', '--url', b], p.dir)).code, 0)
      const theirs = schemaOf(a, ['pgmigrations', 'pgmigrations_pkey', 'pgmigrations_id_seq'])
      assert.ok(theirs.includes('user_count'))
      assert.fixture(schemaOf(b, ['sqlmig_version', 'sqlmig_version_pkey']), theirs)
      execFileSync(NODE_PG_MIGRATE, ['down', '-m', 'migrations-npm'], { cwd: p.dir, env, encoding: 'utf8' })
      assert.is((await runCli(['downgrade', '-1', '--url', b], p.dir)).code, 0)
      assert.fixture(schemaOf(b, ['sqlmig_version', 'sqlmig_version_pkey']), schemaOf(a, ['pgmigrations', 'pgmigrations_pkey', 'pgmigrations_id_seq']))
    })
  } finally {
    p.cleanup()
  }
})

test.run()
