/** test/readme-figures.mjs: the README's suite figures are found, checked and rewritten. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from './helpers/cli.ts'

const figures = await import(pathToFileURL(join(REPO, 'test', 'readme-figures.mjs')).href)
const readme = readFileSync(join(REPO, 'README.md'), 'utf8')

test('the README states the suite figures in the sentence the check reads', () => {
  const stated = figures.readSuiteFigures(readme)
  assert.ok(stated, 'README.md has "`npm test`: N tests in ~M minutes on 2 cores"')
  assert.ok(stated.tests > 100 && stated.minutes > 0)
})

test('a count more than 10 % off fails; a time off by more than 2x is a note; the rewrite makes it pass', () => {
  const text = 'CI. `npm test`: 1,000 tests in ~10 minutes on 2 cores. More.'
  assert.equal(figures.checkSuiteFigures(text, { tests: 1050, minutes: 12 }), { errors: [], notes: [] })
  const off = figures.checkSuiteFigures(text, { tests: 1200, minutes: 25 })
  assert.equal(off.errors, ['README.md says 1000 tests, this run had 1200'])
  assert.equal(off.notes, ['README.md says ~10 minutes, this run took 25.0'])
  const written = figures.writeSuiteFigures(text, { tests: 1200, minutes: 24.6 })
  assert.is(written, 'CI. `npm test`: 1,200 tests in ~25 minutes on 2 cores. More.')
  assert.equal(figures.checkSuiteFigures(written, { tests: 1200, minutes: 24.6 }), { errors: [], notes: [] })
})

test.run()
