/**
 * Issue 17, switching from sqitch end to end, every step as a user types it: the real sqitch
 * builds a project (`sqitch init`, `add` with `--requires`, `tag`, `rework`, `add`) and deploys it,
 * fully or `--to` an earlier change; then `sqlmig import . --from sqitch` and `sqlmig adopt --url`.
 * A reworked change has two rows named alike in sqitch.changes: adopt must map the later one to
 * the revision import wrote for it (`name@tag`). After adopt: `current` is the head, `upgrade`
 * applies nothing (or exactly the rest, once), a new sqlmig migration applies, `downgrade -1`
 * undoes it, and pg_dump equals what sqitch built. Needs Debian's sqitch + libdbd-pg-perl.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempProject } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { createMigration, json, ok, withDatabase } from './adopt-helpers.ts'
import { dumpSchema, rev } from './helpers.ts'

const server = await serverAvailable()
const hasSqitch = (() => {
  try {
    execFileSync('sqitch', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const SQITCH_ENV = { ...process.env, SQITCH_USER_CONFIG: '/dev/null', SQITCH_SYSTEM_CONFIG: '/dev/null', SQITCH_FULLNAME: 'Test', SQITCH_EMAIL: 'test@example.com' }
const sqitch = (dir: string, ...args: string[]) => execFileSync('sqitch', args, { cwd: dir, env: SQITCH_ENV, encoding: 'utf8' })
const target = (url: string) => url.replace(/^postgres(ql)?:\/\//, 'db:pg://')
const schema = (url: string) => dumpSchema(url, { excludeSchemas: ['sqitch'], excludeTables: ['sqlmig_version'] })

/** A sqitch project made with sqitch's own commands: users, posts (requires users), @v1, users reworked (an email column), tags (requires posts). */
function sqitchProject(): { dir: string; cleanup: () => void } {
  const p = tempProject({})
  const put = (file: string, sql: string) => writeFileSync(join(p.dir, file), `BEGIN;\n${sql}\nCOMMIT;\n`)
  sqitch(p.dir, 'init', 'flipr', '--engine', 'pg')
  sqitch(p.dir, 'add', 'users', '-n', 'Creates users.')
  put('deploy/users.sql', 'CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);')
  put('revert/users.sql', 'DROP TABLE users;')
  sqitch(p.dir, 'add', 'posts', '--requires', 'users', '-n', 'Creates posts.')
  put('deploy/posts.sql', 'CREATE TABLE posts (id int PRIMARY KEY, author int REFERENCES users);')
  put('revert/posts.sql', 'DROP TABLE posts;')
  sqitch(p.dir, 'tag', 'v1', '-n', 'Tag v1.')
  // sqitch rework copies deploy/users.sql to deploy/users@v1.sql (and revert, verify); the new deploy/users.sql is the change.
  sqitch(p.dir, 'rework', 'users', '-n', 'Users get an email.')
  put('deploy/users.sql', 'ALTER TABLE users ADD COLUMN email text UNIQUE;')
  put('revert/users.sql', 'ALTER TABLE users DROP COLUMN email;')
  sqitch(p.dir, 'add', 'tags', '--requires', 'posts', '-n', 'Creates tags.')
  put('deploy/tags.sql', 'CREATE TABLE tags (post int REFERENCES posts, tag text);')
  put('revert/tags.sql', 'DROP TABLE tags;')
  assert.ok(readdirSync(join(p.dir, 'deploy')).includes('users@v1.sql'), 'sqitch rework wrote deploy/users@v1.sql')
  return p
}

const [users, posts, usersV1, tags] = ['users', 'posts', 'users@v1', 'tags'].map((v) => rev('sqitch', v)) as [string, string, string, string]
const steps = (r: { stdout: string }) => (json(r).steps as Array<{ revision: string }>).map((s) => s.revision)
let built: string | undefined

test('sqitch deploy, then "sqlmig import . --from sqitch" and "sqlmig adopt": the reworked change maps to name@tag; current is the head, upgrade applies nothing, a new migration applies and downgrades', async () => {
  if (!server) return
  assert.ok(hasSqitch || process.env.CI !== 'true', 'sqitch is installed under CI (.ci/run)')
  if (!hasSqitch) return
  const p = sqitchProject()
  try {
    await withDatabase('sqlmig_sw_sq', async (url) => {
      sqitch(p.dir, 'deploy', target(url))
      built = schema(url)
      assert.match(built, 'email text')
      const imported = await ok(['import', '.', '--from', 'sqitch'], p.dir)
      assert.match(imported.stdout, `deploy/users.sql -> ${usersV1}`)
      assert.match(imported.stdout, `deploy/users@v1.sql -> ${users}`)
      // As the README's steps type them: adopt, current, upgrade.
      assert.match((await ok(['adopt', '--url', url], p.dir)).stdout, 'Recorded 4 revisions from sqitch')
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.ok(adopted.already_adopted)
      assert.equal(adopted.mapped.map((m: { version: string; revision: string }) => [m.version, m.revision]), [['users', users], ['posts', posts], ['users@v1', usersV1], ['tags', tags]])
      assert.equal(adopted.stamped, [users, posts, usersV1, tags])
      assert.match((await ok(['current', '--url', url], p.dir)).stdout, tags)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [tags])
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, `Already up to date at ${tags}`)
      assert.fixture(schema(url), built)
      // A new sqlmig migration on top applies; downgrade -1 undoes it.
      const notes = await createMigration(p.dir, 'add notes', 'ALTER TABLE posts ADD COLUMN notes text;', 'ALTER TABLE posts DROP COLUMN notes;')
      assert.equal(steps(await ok(['upgrade', '--url', url, '--json'], p.dir)), [notes])
      assert.match(schema(url), 'notes text')
      await ok(['downgrade', '-1', '--url', url], p.dir)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [tags])
      assert.fixture(schema(url), built)
    })
  } finally {
    p.cleanup()
  }
})

test('sqitch deploy --to an earlier change: adopt records exactly that state; upgrade applies the rest (the rework included) once and builds what sqitch builds', async () => {
  if (!server || !hasSqitch) return
  const p = sqitchProject()
  try {
    await withDatabase('sqlmig_sw_sq', async (url) => {
      sqitch(p.dir, 'deploy', '--to', 'posts', target(url))
      await ok(['import', '.', '--from', 'sqitch'], p.dir)
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.equal(adopted.stamped, [users, posts])
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [posts])
      assert.equal(steps(await ok(['upgrade', '--url', url, '--json'], p.dir)), [usersV1, tags])
      assert.equal(steps(await ok(['upgrade', '--url', url, '--json'], p.dir)), [], 'nothing runs twice')
      if (built !== undefined) assert.fixture(schema(url), built)
    })
  } finally {
    p.cleanup()
  }
})

test('sqitch deploy --to the reworked change, then revert one: adopt maps the rows still deployed', async () => {
  if (!server || !hasSqitch) return
  const p = sqitchProject()
  try {
    await withDatabase('sqlmig_sw_sq', async (url) => {
      sqitch(p.dir, 'deploy', target(url))
      sqitch(p.dir, 'revert', '-y', '--to', '@HEAD^', target(url))
      await ok(['import', '.', '--from', 'sqitch'], p.dir)
      assert.equal(json(await ok(['adopt', '--url', url, '--json'], p.dir)).stamped, [users, posts, usersV1])
      assert.equal(steps(await ok(['upgrade', '--url', url, '--json'], p.dir)), [tags])
    })
  } finally {
    p.cleanup()
  }
})

test.run()
