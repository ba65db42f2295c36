/** postgres:// URLs taken apart as libpq does (issue 13, case 6); the CLI side is in test/safety/connections.test.ts. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parsePgUrl, withDatabaseName } from '../../src/db/pg-url.ts'
import { UsageError } from '../../src/errors.ts'

test('forms the WHATWG URL parser rejects or misreads: empty host, ?host=, socket directories, several hosts, IPv6', () => {
  assert.equal(parsePgUrl('postgres://app@/shop?host=10.0.0.5'), { hosts: ['10.0.0.5'], ports: [5432], user: 'app', password: undefined, database: 'shop', params: {} })
  assert.equal(parsePgUrl('postgresql:///shop?host=/var/run/postgresql&port=5433').hosts, ['/var/run/postgresql'])
  assert.equal(parsePgUrl('postgresql:///shop?host=/var/run/postgresql&port=5433').ports, [5433])
  assert.equal(parsePgUrl('postgresql://%2Ftmp%2Fpg:5444/shop').hosts, ['/tmp/pg'])
  const multi = parsePgUrl('postgres://a:1@h1,h2:5433,[::1]:5434/db?target_session_attrs=read-write')
  assert.equal([multi.hosts, multi.ports, multi.params], [['h1', 'h2', '::1'], [5432, 5433, 5434], { target_session_attrs: 'read-write' }])
})

test('percent-encoding is decoded everywhere, and query parameters override the parts before them', () => {
  const u = parsePgUrl('postgres://us%40er:p%40ss%3Aw%2Frd%23@db/sh%20op?sslmode=require&options=-c%20search_path%3Dapp')
  assert.equal([u.user, u.password, u.database], ['us@er', 'p@ss:w/rd#', 'sh op'])
  assert.equal(u.params, { sslmode: 'require', options: '-c search_path=app' })
  const o = parsePgUrl('postgres://a@h/x?dbname=y&user=b&password=c')
  assert.equal([o.user, o.password, o.database], ['b', 'c', 'y'])
})

test('driver options of a postgres.js DATABASE_URL are ignored (ssl=true is sslmode=require); unknown ones are a UsageError', () => {
  assert.equal(parsePgUrl('postgres://h/db?max=5&ssl=true').params, { sslmode: 'require' })
  for (const bad of ['postgres://h/db?search_path=x', 'postgres://h:99999/db', 'postgres://h/db?x', 'mysql://h/db', 'postgres://%zz@h/db']) {
    assert.throws(() => parsePgUrl(bad), (e: unknown) => e instanceof UsageError, bad)
  }
})

test('withDatabaseName keeps every other part as written and drops a dbname parameter', () => {
  assert.is(withDatabaseName('postgres://a:p%40ss@/old?host=/tmp&dbname=old&sslmode=disable', 'new db'), 'postgres://a:p%40ss@/new%20db?host=/tmp&sslmode=disable')
})

test.run()
