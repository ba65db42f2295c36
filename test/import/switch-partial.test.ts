/**
 * Issue 17, switching from dbmate part way, as a user types it: the real dbmate applies three
 * migrations and rolls the last back (`dbmate up`, `dbmate rollback`), then `sqlmig import
 * db/migrations --from dbmate`, `sqlmig adopt --url`: exactly the two dbmate has are recorded,
 * `sqlmig upgrade` applies the third once, and the schema is the one `dbmate up` built.
 * (node-pg-migrate part way, `up 2` of 3, is in adopt.test.ts.)
 */
import { execFileSync } from 'node:child_process'
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
      assert.equal(json(await ok(['adopt', '--url', url, '--json'], p.dir)).stamped, [r1, r2])
      assert.equal(json(await ok(['current', '--url', url, '--json'], p.dir)).current, [r2])
      const steps = async () => (json(await ok(['upgrade', '--url', url, '--json'], p.dir)).steps as Array<{ revision: string }>).map((s) => s.revision)
      assert.equal(await steps(), [r3])
      assert.equal(await steps(), [], 'nothing runs twice')
      assert.fixture(dumpSchema(url, ['schema_migrations', 'sqlmig_version', 'sqlmig_version_pkey']), built)
    })
  } finally {
    p.cleanup()
  }
})

test.run()
