/** The pure parts of rehearse and backup: what a child process sees, copy names, --fail-on, lock names. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseFailOn } from '../../src/commands/rehearse.ts'
import { modeName } from '../../src/commands/rehearse-measure.ts'
import { copyName, utcStamp } from '../../src/db/copy.ts'
import { pgConnection, shellQuote } from '../../src/db/pg-tools.ts'
import { UsageError } from '../../src/errors.ts'
import { redact } from '../../src/redact.ts'

test('pgConnection() keeps the password out of the conninfo children get, and drops the driver options libpq rejects', () => {
  const c = pgConnection('postgres://app:p%40ss-W0rd@db.example.com:6543/shop?sslmode=require&max=5&application_name=x')
  assert.is(c.conninfo, 'postgresql://app@db.example.com:6543/shop?sslmode=require&application_name=x')
  assert.is(c.password, 'p@ss-W0rd')
  assert.is(c.database, 'shop')
  // Registered as a secret: any output that would echo it is masked.
  assert.is(redact('pg_dump: password p@ss-W0rd rejected'), 'pg_dump: password *** rejected')
  assert.is(pgConnection('postgresql://postgres@127.0.0.1/test').password, undefined)
})

test('copyName() is <db>_rehearsal_<UTC yyyymmddHHMMSS>, shortened to 63 bytes', () => {
  assert.match(utcStamp(new Date('2026-11-26T08:46:17.123Z')), '20261126084617')
  assert.is(copyName('shop', '20261126084617'), 'shop_rehearsal_20261126084617')
  const long = copyName('x'.repeat(60), '20261126084617', '_2')
  assert.is(long.length, 63)
  assert.ok(long.endsWith('_rehearsal_20261126084617_2'))
})

test('parseFailOn() reads comma-separated flags and refuses others', () => {
  assert.equal(parseFailOn('rewrite,access-exclusive'), ['rewrite', 'access-exclusive'])
  assert.equal(parseFailOn(['rewrite', ' rewrite ']), ['rewrite'])
  assert.equal(parseFailOn(undefined), [])
  assert.throws(() => parseFailOn('rewrites'), (e: unknown) => e instanceof UsageError && e.message === 'Cannot read --fail-on "rewrites"')
})

test('modeName() spells pg_locks modes as the LOCK statement does', () => {
  assert.is(modeName('AccessExclusiveLock'), 'ACCESS EXCLUSIVE')
  assert.is(modeName('ShareUpdateExclusiveLock'), 'SHARE UPDATE EXCLUSIVE')
  assert.is(modeName('RowExclusiveLock'), 'ROW EXCLUSIVE')
})

test('shellQuote() leaves plain words alone and quotes the rest', () => {
  assert.is(shellQuote('backups/shop-base-20261126084617.dump'), 'backups/shop-base-20261126084617.dump')
  assert.is(shellQuote("my backups/it's.dump"), `'my backups/it'\\''s.dump'`)
})

test.run()
