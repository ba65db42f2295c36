// The header block of a migration file: where it ends, and which lines are typos of real keys.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InvalidMigrationError } from '../../src/errors.ts'
import { checkHeader, DOWN_KEYS, parseHeader, UP_KEYS } from '../../src/files/header.ts'
import { closestMatch, editDistance } from '../../src/did-you-mean.ts'

const keys = (text: string, allowed: readonly string[] = UP_KEYS) => [...checkHeader(parseHeader(text), 'f.sql', allowed).entries()].map(([k, e]) => `${k}=${e.value}`)

function refusal(text: string, allowed: readonly string[] = UP_KEYS): string {
  try {
    checkHeader(parseHeader(text), 'f.sql', allowed)
  } catch (e) {
    assert.instance(e, InvalidMigrationError)
    const err = e as InvalidMigrationError
    return `${err.where}: ${err.message} | ${err.hint}`
  }
  throw new Error('not refused')
}

test('a comment line that looks like "-- word: text" ends the header; the lines after it are plain comments', () => {
  assert.equal(keys('-- revision: a1\n-- down_revision: none\n-- NOTE: keep this in sync\n-- message: not a header any more\nselect 1;'), ['revision=a1', 'down_revision=none'])
  assert.equal(keys('-- revision: a1\n-- reverse: drop table x\n'), ['revision=a1'])
  assert.equal(keys('-- revision: a1\n-- Todo: index later\n-- transaction: false\n'), ['revision=a1'])
})

test('a typo of a real key is refused with "did you mean", naming file and line', () => {
  assert.is(refusal('-- revision: a1\n-- transation: false\n'), 'f.sql:2:1: Unknown header key "transation": did you mean "transaction"? | Write "-- transaction: false"')
  assert.is(refusal('-- revision: a1\n-- down_revison: none\n'), 'f.sql:2:1: Unknown header key "down_revison": did you mean "down_revision"? | Write "-- down_revision: none"')
  assert.is(refusal('-- revison: a1\n'), 'f.sql:1:1: Unknown header key "revison": did you mean "revision"? | Write "-- revision: a1"')
  assert.is(refusal('-- revision: a1\n-- irreversable: drops data\n', DOWN_KEYS), 'f.sql:2:1: Unknown header key "irreversable": did you mean "irreversible"? | Write "-- irreversible: drops data"')
})

test('a key of the other kind of file is refused, saying where it belongs', () => {
  assert.is(refusal('-- revision: a1\n-- irreversible: drops data\n'), 'f.sql:2:1: Header key "irreversible" does not belong in an up file | Move it to the down file (keys here: revision, down_revision, message, created, transaction, lock_timeout, statement_timeout)')
  assert.is(refusal('-- revision: a1\n-- message: m\n', DOWN_KEYS), 'f.sql:2:1: Header key "message" does not belong in a down file | Move it to the up file (keys here: revision, transaction, lock_timeout, statement_timeout, irreversible, down)')
})

test('closestMatch: within 2 edits (1 for short words), the closest; a swap counts as one edit', () => {
  assert.is(editDistance('transaction', 'transation'), 1)
  assert.is(editDistance('ab', 'ba'), 1)
  assert.is(editDistance('', 'abc'), 3)
  assert.is(closestMatch('mesage', UP_KEYS), 'message')
  assert.is(closestMatch('note', UP_KEYS), undefined)
  assert.is(closestMatch('dwon', DOWN_KEYS), 'down')
  assert.is(closestMatch('reverse', UP_KEYS), undefined)
})

test.run()
