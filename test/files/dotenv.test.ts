/** parseDotenv reads .env as dbmate does: KEY=VALUE, comments, export, quotes. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseDotenv } from '../../src/files/dotenv.ts'

test('KEY=VALUE lines, # comments, export prefix, single and double quotes, CRLF', () => {
  const env = parseDotenv([
    '# a comment',
    'PLAIN=postgres://u@h/db',
    'export EXPORTED = pglite:data # trailing comment',
    'DOUBLE="postgres://u:p#ss@h/db" # comment',
    "SINGLE='it''s'",
    'ESCAPED="a\\"b\\nc"',
    'EMPTY=',
    'not a variable line',
    'HASH=a#b',
    'LATER=1',
    'LATER=2\r',
  ].join('\n'))
  assert.equal(Object.fromEntries(env), {
    PLAIN: 'postgres://u@h/db',
    EXPORTED: 'pglite:data',
    DOUBLE: 'postgres://u:p#ss@h/db',
    SINGLE: 'it',
    ESCAPED: 'a"b\nc',
    EMPTY: '',
    HASH: 'a#b',
    LATER: '2',
  })
})

test.run()
