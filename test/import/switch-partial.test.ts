/**
 * Issue 17, switching from dbmate part way, as a user types it: the real dbmate applies three
 * migrations and rolls the last back (`dbmate up`, `dbmate rollback`), then `sqlmig import
 * db/migrations --from dbmate`, `sqlmig adopt --url`: exactly the two dbmate has are recorded,
 * `sqlmig upgrade` applies the third once, and the schema is the one `dbmate up` built.
 * node-pg-migrate likewise, its files in `migrations/` (its default folder, which also holds
 * sqlmig's `versions/`): `node-pg-migrate up 1` of 2.
 */
import { execFileSync } from 'node:child_process'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultPeersDir, ensurePeers } from '../../bench/peers.ts'
import { tempProject } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { dumpSchema, json, ok, withDatabase } from './adopt-helpers.ts'
import { rev } from './helpers.ts'

const server = await serverAvailable()
const peers = server ? ensurePeers(defaultPeersDir(), (line) => console.log(line)) : undefined

const DBMATE = {
  'db/migrations/20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n',
  'db/migrations/20240102000000_users_email.sql': '-- migrate:up transaction:false\nCREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_email;\n',
  'db/migrations/20240103000000_posts.sql': '-- migrate:up\nCREATE TABLE posts (id bigserial PRIMARY KEY, author bigint REFERENCES users);\n\n-- migrate:down\nDROP TABLE posts;\n',
}

test('dbmate up, dbmate rollback, then "sqlmig import" + "sqlmig adopt": the two applied are recorded, "sqlmig upgrade" applies the third once', async () => {
  if (!server) return
  const p = tempProject(DBMATE)
  try {
    await withDatabase('sqlmig_sw_part', async (url) => {
      const dbmate = (...args: string[]) => execFileSync(peers!.dbmate, ['--url', `${url}?sslmode=disable`, '--migrations-dir', 'db/migrations', '--no-dump-schema', ...args], { cwd: p.dir, encoding: 'utf8' })
      dbmate('up')
      const built = dumpSchema(url, ['schema_migrations'])
      dbmate('rollback')
      await ok(['import', 'db/migrations', '--from', 'dbmate'], p.dir)
      const [r1, r2, r3] = ['20240101000000', '20240102000000', '20240103000000'].map((v) => rev('dbmate', v))
      assert.match((await ok(['adopt', '--url', url], p.dir)).stdout, 'Recorded 2 revisions from dbmate')
      assert.equal(json(await ok(['adopt', '--url', url, '--json'], p.dir)).stamped, [r1, r2])
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [r2])
      const steps = async () => (json(await ok(['upgrade', '--url', url, '--json'], p.dir)).steps as Array<{ revision: string }>).map((s) => s.revision)
      assert.equal(await steps(), [r3])
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, `Already up to date at ${r3}`, 'nothing runs twice')
      assert.fixture(dumpSchema(url, ['schema_migrations', 'sqlmig_version', 'sqlmig_version_pkey']), built)
      // Later, when sure: the old table goes; sqlmig's state stays.
      assert.match((await ok(['adopt', '--url', url, '--drop-old'], p.dir)).stdout, 'Already adopted: sqlmig\'s version table records the 2 revisions from dbmate\'s public.schema_migrations; dropped public.schema_migrations')
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [r3])
    })
  } finally {
    p.cleanup()
  }
})

const NPM = {
  'migrations/1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id serial PRIMARY KEY, name text);\n\n-- Down Migration\nDROP TABLE users;\n',
  'migrations/1700000001000_add-email.sql': '-- Up Migration\nALTER TABLE users ADD COLUMN email text;\n\n-- Down Migration\nALTER TABLE users DROP COLUMN email;\n',
}

test('node-pg-migrate up 1 of 2 in migrations/, then "sqlmig import migrations --from node-pg-migrate" + "sqlmig adopt": upgrade applies the second once; node-pg-migrate still reads the folder', async () => {
  if (!server) return
  const p = tempProject(NPM)
  try {
    await withDatabase('sqlmig_sw_part', async (url) => {
      const npm = (...args: string[]) => execFileSync(peers!.nodePgMigrate, args, { cwd: p.dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' })
      npm('up', '1')
      await ok(['import', 'migrations', '--from', 'node-pg-migrate'], p.dir)
      const [r1, r2] = ['1700000000000_create-users', '1700000001000_add-email'].map((v) => rev('node-pg-migrate', v))
      assert.match((await ok(['adopt', '--url', url], p.dir)).stdout, 'Recorded 1 revision from node-pg-migrate')
      assert.match((await ok(['current', '--url', url], p.dir)).stdout, r1!)
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, r2!)
      assert.match((await ok(['upgrade', '--url', url], p.dir)).stdout, `Already up to date at ${r2}`, 'nothing runs twice')
      // sqlmig's versions/ inside node-pg-migrate's folder: a re-import finds its own files, and node-pg-migrate ignores them.
      assert.match((await ok(['import', 'migrations', '--from', 'node-pg-migrate'], p.dir)).stdout, 'Already imported')
      assert.match(npm('up', '--dry-run'), /No migrations to run|1700000001000_add-email/)
    })
  } finally {
    p.cleanup()
  }
})

test.run()
