/** parseConfigFile: camelCase keys, deprecated snake_case ones, types, "did you mean". */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseConfigFile } from '../src/config-file.ts'
import { UsageError } from '../src/errors.ts'

const parse = (value: unknown) => {
  const warnings: string[] = []
  const config = parseConfigFile('/p/sqlmig.json', typeof value === 'string' ? value : JSON.stringify(value), (w) => warnings.push(w))
  return { config, warnings }
}
const fails = (value: unknown): UsageError => {
  try {
    parse(value)
  } catch (error) {
    assert.instance(error, UsageError)
    return error as UsageError
  }
  throw new Error('expected a UsageError')
}

test('the old keys lock_timeout and statement_timeout are read as lockTimeout and statementTimeout, each with a note', () => {
  assert.equal(parse({ lock_timeout: '5s', statement_timeout: '1min', lockWait: 30 }), {
    config: { lockTimeout: '5s', statementTimeout: '1min', lockWait: 30 },
    warnings: ['"lock_timeout" in sqlmig.json is deprecated: rename it to "lockTimeout"', '"statement_timeout" in sqlmig.json is deprecated: rename it to "statementTimeout"'],
  })
  assert.equal(parse({ shadowUrl: 'postgres://h/db', connectTimeout: '5s', transaction: 'per-migration' }).warnings, [])
  assert.is(fails({ lock_timeout: '5s', lockTimeout: '6s' }).message, 'sqlmig.json sets both "lock_timeout" and "lockTimeout"')
})

test('an unknown key: "did you mean" for a near one, else the list', () => {
  assert.is(fails({ shadow_url: 'x' }).hint, 'Did you mean "shadowUrl"?')
  assert.is(fails({ lockwiat: '1s' }).hint, 'Did you mean "lockWait"?')
  assert.is(fails({ versionTabel: 'v' }).hint, 'Did you mean "versionTable"?')
  assert.match(fails({ something: 1 }).hint!, 'Use one of: url, dir, versionTable')
  assert.is(fails({ dir: 1 }).message, '"dir" in sqlmig.json must be a string')
  assert.is(fails({ lockWait: true }).message, '"lockWait" in sqlmig.json must be a string or a number')
})

test('a syntax error names line and column in the message and the location', () => {
  const e = fails('{\n  "dir": "migrations"\n  "url": "pglite:memory"\n}')
  assert.equal(e.location, { file: '/p/sqlmig.json', line: 3, column: 3 })
  assert.match(e.message, 'Cannot read sqlmig.json: invalid JSON at line 3, column 3 (')
})

test.run()
