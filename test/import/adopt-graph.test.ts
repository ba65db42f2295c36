/**
 * Issue 17, `sqlmig adopt` from the tools whose history is a graph: the real sqitch deploys and
 * reverts (sqitch.changes is what is deployed now), and Alembic's alembic_version with two heads
 * (built with the DDL Alembic's runtime/migration.py defines). The sqlmig files are written as
 * `sqlmig import` writes them: sqitch revisions from the change name, Alembic's ids as they are;
 * graphile-migrate (its table built with the DDL of its src/migration.ts) from the file name.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { json, ok, withDatabase } from './adopt-helpers.ts'
import { rev } from './helpers.ts'

const server = await serverAvailable()
const sqitch = (() => {
  try {
    execFileSync('sqitch', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()




test('sqitch: the real sqitch deploys three changes and reverts one; adopt records the two deployed, upgrade applies the third', async () => {
  if (!server) return
  assert.ok(sqitch || process.env.CI !== 'true', 'sqitch is installed under CI (.ci/run)')
  if (!sqitch) return
  const [users, posts, tags] = ['users', 'posts', 'tags'].map((c) => rev('sqitch', c)) as [string, string, string]
  const p = tempProject(migrationFiles([
    { revision: users, up: 'CREATE TABLE users (id int PRIMARY KEY);', down: 'DROP TABLE users;' },
    { revision: posts, parents: [users], up: 'CREATE TABLE posts (id int, author int REFERENCES users);', down: 'DROP TABLE posts;' },
    { revision: tags, parents: [posts], up: 'CREATE TABLE tags (id int);', down: 'DROP TABLE tags;' },
  ]))
  try {
    await withDatabase('sqlmig_adopt_graph', async (url) => {
      const env = { ...process.env, SQITCH_FULLNAME: 'Test', SQITCH_EMAIL: 'test@example.com', HOME: p.dir }
      const sq = (...args: string[]) => execFileSync('sqitch', args, { cwd: join(p.dir, 'old'), env, encoding: 'utf8' })
      execFileSync('mkdir', ['-p', join(p.dir, 'old')])
      sq('init', 'flipr', '--engine', 'pg')
      sq('add', 'users', '-n', 'users')
      sq('add', 'posts', '--requires', 'users', '-n', 'posts')
      sq('add', 'tags', '-n', 'tags')
      const ddl: Record<string, [string, string]> = {
        users: ['CREATE TABLE users (id int PRIMARY KEY);', 'DROP TABLE users;'],
        posts: ['CREATE TABLE posts (id int, author int REFERENCES users);', 'DROP TABLE posts;'],
        tags: ['CREATE TABLE tags (id int);', 'DROP TABLE tags;'],
      }
      for (const [c, [up, down]] of Object.entries(ddl)) {
        writeFileSync(join(p.dir, 'old', 'deploy', `${c}.sql`), `BEGIN;\n${up}\nCOMMIT;\n`)
        writeFileSync(join(p.dir, 'old', 'revert', `${c}.sql`), `BEGIN;\n${down}\nCOMMIT;\n`)
        writeFileSync(join(p.dir, 'old', 'verify', `${c}.sql`), '')
      }
      const target = `db:pg://${new URL(url).username}@${new URL(url).host}${new URL(url).pathname}`
      sq('deploy', target)
      sq('revert', '-y', '--to', '@HEAD^', target)
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.equal([adopted.tool, adopted.table], ['sqitch', 'sqitch.changes'])
      assert.equal(adopted.mapped.map((m: { version: string; revision: string }) => [m.version, m.revision]), [['users', users], ['posts', posts]])
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [posts])
      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      assert.equal(up.steps.map((s: { revision: string }) => s.revision), [tags])
    })
  } finally {
    p.cleanup()
  }
})

// Alembic runtime/migration.py, MigrationContext: Table(version_table, MetaData(), Column("version_num",
// String(32), nullable=False), PrimaryKeyConstraint("version_num", name=f"{version_table}_pkc")); one row per head.
const ALEMBIC_DDL = 'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))'

test('Alembic: two heads in alembic_version adopt as both branches and their common base; an unknown head is refused', async () => {
  if (!server) return
  const p = tempProject(migrationFiles([
    { revision: '1975ea83b712', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
    { revision: '27c6a30d7c24', parents: ['1975ea83b712'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
    { revision: 'ae1027a6acf', parents: ['1975ea83b712'], up: 'CREATE TABLE c (id int);', down: 'DROP TABLE c;' },
    { revision: '3cac04ae8714', parents: ['27c6a30d7c24', 'ae1027a6acf'], up: 'CREATE TABLE d (id int);', down: 'DROP TABLE d;' },
  ]))
  try {
    await withDatabase('sqlmig_adopt_graph', async (url) => {
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', `${ALEMBIC_DDL}; create table a (id int); create table b (id int); create table c (id int); insert into alembic_version values ('27c6a30d7c24'), ('ae1027a6acf'), ('0000deadbeef')`])
      const unknown = await runCli(['adopt', '--url', url], p.dir)
      assert.is(unknown.code, 1)
      assert.match(unknown.stderr, 'Cannot adopt: 1 version applied by alembic (public.alembic_version) has no imported migration in migrations')
      assert.match(unknown.stderr, '0000deadbeef (revision 0000deadbeef)')
      execFileSync('psql', ['-X', '-q', '-d', url, '-c', "delete from alembic_version where version_num = '0000deadbeef'"])
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.equal(adopted.stamped, ['1975ea83b712', '27c6a30d7c24', 'ae1027a6acf'])
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current.sort(), ['27c6a30d7c24', 'ae1027a6acf'])
      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      assert.equal(up.steps.map((s: { revision: string }) => s.revision), ['3cac04ae8714'])
    })
  } finally {
    p.cleanup()
  }
})

// graphile-migrate src/migration.ts, _migrateMigrationSchema(): create schema if not exists graphile_migrate;
// create table if not exists graphile_migrate.migrations (hash text primary key, previous_hash text references
// graphile_migrate.migrations, filename text not null, date timestamptz not null default now()).
const GRAPHILE_DDL = `create schema if not exists graphile_migrate;
create table if not exists graphile_migrate.migrations (hash text primary key, previous_hash text references graphile_migrate.migrations,
  filename text not null, date timestamptz not null default now())`

test('graphile-migrate: its committed migrations adopt by file name; --drop-old drops the graphile_migrate schema', async () => {
  if (!server) return
  const [one, two] = ['000001', '000002'].map((f) => rev('graphile-migrate', f)) as [string, string]
  const p = tempProject(migrationFiles([
    { revision: one, up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
    { revision: two, parents: [one], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
  ]))
  try {
    await withDatabase('sqlmig_adopt_graph', async (url) => {
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', `${GRAPHILE_DDL}; create table a (id int); insert into graphile_migrate.migrations (hash, previous_hash, filename) values ('sha1:aaa', null, '000001.sql')`])
      execFileSync('psql', ['-X', '-q', '-d', url, '-c', "insert into graphile_migrate.migrations (hash, previous_hash, filename) values ('sha1:zzz', 'sha1:aaa', '000009.sql')"])
      const unmapped = await runCli(['adopt', '--url', url], p.dir)
      assert.is(unmapped.code, 1)
      assert.match(unmapped.stderr, `000009.sql (revision ${rev('graphile-migrate', '000009')})`)
      // graphile-migrate's files can be imported now: the hint says so.
      assert.match(unmapped.stderr, 'hint: Import the old tool\'s migration files first: "sqlmig import <folder> --from graphile-migrate", then run "sqlmig adopt" again')
      execFileSync('psql', ['-X', '-q', '-d', url, '-c', "delete from graphile_migrate.migrations where filename = '000009.sql'"])
      const adopted = json(await ok(['adopt', '--url', url, '--json', '--drop-old'], p.dir))
      assert.equal([adopted.tool, adopted.table, adopted.stamped, adopted.dropped_old], ['graphile-migrate', 'graphile_migrate.migrations', [one], true])
      assert.is(execFileSync('psql', ['-X', '-t', '-A', '-d', url, '-c', "select count(*) from pg_namespace where nspname = 'graphile_migrate'"], { encoding: 'utf8' }).trim(), '0')
      assert.equal(json(await ok(['upgrade', '--url', url, '--json'], p.dir)).steps.map((s: { revision: string }) => s.revision), [two])
    })
  } finally {
    p.cleanup()
  }
})

test.run()
