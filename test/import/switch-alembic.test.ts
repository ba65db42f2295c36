/**
 * Issue 17, switching from Alembic end to end, every step as a user types it: a real Alembic
 * project (`alembic init`, two bases, a branch, merges, an autocommit_block) is upgraded part way
 * with the real `python3 -m alembic upgrade <rev>`, one branch head after the other, so that
 * alembic_version holds two heads; then `sqlmig import alembic/ --from alembic --url` and `sqlmig
 * adopt --url`: `current` is alembic's heads, `upgrade` applies exactly the remaining revisions,
 * once, and pg_dump equals `alembic upgrade heads` on another database. Needs Debian's
 * python3-alembic and python3-psycopg2 (.ci/run installs them).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { serverAvailable } from '../helpers/targets.ts'
import { createMigration, json, ok } from './adopt-helpers.ts'
import { alembicProject, PYTHON as FOUND_PYTHON, VERSIONS } from './alembic-helpers.ts'
import { dumpSchema, withTwoDatabases } from './helpers.ts'

const PYTHON = FOUND_PYTHON
const schema = (url: string) => dumpSchema(url, { excludeTables: ['alembic_version', 'sqlmig_version'] })
const psql = (url: string, sql: string) => execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' }).trim()

test('alembic upgrade to two branch heads, then "sqlmig import alembic/ --from alembic --url" + "sqlmig adopt --url": current is alembic\'s heads, upgrade applies the rest once, pg_dump equals "alembic upgrade heads"', async () => {
  if (!(await serverAvailable())) return
  assert.ok(PYTHON || process.env.CI !== 'true', 'Alembic is installed under CI (.ci/run)')
  if (!PYTHON) return
  await withTwoDatabases('sqlmig_sw_al', async (url, other) => {
    const p = alembicProject(VERSIONS, url)
    try {
      const alembic = (...args: string[]) => execFileSync(PYTHON, ['-m', 'alembic', ...args], { cwd: p.dir, encoding: 'utf8', stdio: 'pipe' })
      // One head, then a sibling branch head: alembic_version gets a row per head.
      alembic('upgrade', '2b3c4d5e6f70')
      alembic('upgrade', 'c1c1c1c1c1c1')
      const heads = psql(url, 'select version_num from alembic_version order by 1').split('\n')
      assert.equal(heads, ['2b3c4d5e6f70', 'c1c1c1c1c1c1'])
      const partial = schema(url)

      await ok(['import', 'alembic/', '--from', 'alembic', '--url', url], p.dir)
      assert.match((await ok(['adopt', '--url', url], p.dir)).stdout, 'Recorded 3 revisions from alembic')
      const adopted = json(await ok(['adopt', '--url', url, '--json'], p.dir))
      assert.equal([adopted.tool, adopted.table], ['alembic', 'public.alembic_version'])
      assert.equal([...adopted.stamped].sort(), ['1a2b3c4d5e6f', '2b3c4d5e6f70', 'c1c1c1c1c1c1'])
      assert.match((await ok(['current', '--url', url], p.dir)).stdout, /2b3c4d5e6f70[^]*c1c1c1c1c1c1|c1c1c1c1c1c1[^]*2b3c4d5e6f70/)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current.sort(), heads)
      assert.fixture(schema(url), partial, 'adopt ran no migration SQL')

      const up = json(await ok(['upgrade', '--url', url, '--json'], p.dir))
      const applied = (up.steps as Array<{ revision: string }>).map((s) => s.revision)
      assert.equal([...applied].sort(), ['b1b1b1b1b1b1', 'd1d1d1d1d1d1', 'e1e1e1e1e1e1', 'm1m1m1m1m1m1', 'm2m2m2m2m2m2', 'x1x1x1x1x1x1'])
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, 'Already up to date at e1e1e1e1e1e1', 'nothing runs twice')
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, ['e1e1e1e1e1e1'])
      const done = schema(url)
      // A new sqlmig migration on top applies; downgrade -1 undoes it.
      const notes = await createMigration(p.dir, 'add notes', 'ALTER TABLE posts ADD COLUMN notes text;', 'ALTER TABLE posts DROP COLUMN notes;')
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, notes)
      await ok(['downgrade', '-1', '--url', url], p.dir)
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, ['e1e1e1e1e1e1'])
      assert.fixture(schema(url), done)

      // The same project, all the way with Alembic, on another database.
      const ini = join(p.dir, 'alembic.ini')
      writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${other.replace(/^postgres:/, 'postgresql:')}`))
      alembic('upgrade', 'heads')
      const theirs = schema(other)
      assert.ok(theirs.includes('posts_slug') && theirs.includes('audit.touch()'), theirs)
      assert.fixture(schema(url), theirs)
    } finally {
      p.cleanup()
    }
  })
})

test.run()
