/**
 * Issue 17, graphile-migrate's committed files as import reads them: headers dropped and the body
 * kept byte for byte, `--! no-transaction`, current.sql and current/ skipped, and what cannot be
 * mapped (placeholders, files graphile-migrate itself refuses) listed with file:line.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { adoptedRevision } from '../../src/commands/adopt.ts'
import { UnmappableSourceError } from '../../src/errors.ts'
import { fixture, rev } from './helpers.ts'

const HEAD = (prev: string, hash: string, extra = '') => `--! Previous: ${prev}\n--! Hash: sha1:${hash}\n${extra}\n`

test('committed files: bodies byte for byte, one revision per number (as adopt maps the table\'s filename), no-transaction, current skipped', () => {
  const body1 = 'create table a (id int);  \r\n-- trailing comment\n'
  const body2 = '--! no-transaction\nvacuum a;\n'
  const f = fixture({
    'committed/000001-first-one.sql': HEAD('-', 'aa', '--! Message: first one\n') + body1,
    'committed/000002.sql': HEAD('sha1:aa', 'bb', '--! AllowInvalidHash\n') + body2,
    'committed/README.md': 'notes\n',
    'current.sql': 'select 1;\n',
    'current/1-x.sql': 'select 2;\n',
  })
  try {
    const r = importHistory(f.source, { from: 'graphile-migrate', cwd: f.dir })
    assert.equal(r.imported.map((m) => m.revision), [rev('graphile-migrate', '000001'), rev('graphile-migrate', '000002')])
    assert.equal(r.imported.map((m) => m.revision), ['000001.sql', '000002.sql'].map((v) => adoptedRevision('graphile-migrate', v)))
    assert.equal(r.imported.map((m) => [m.message, m.transaction, m.transaction_reason, m.irreversible]), [['first one', true, undefined, true], ['000002.sql', false, '--! no-transaction', true]])
    const w = f.written()
    const ups = Object.keys(w).filter((n) => n.endsWith('.up.sql'))
    assert.ok(w[ups[0]!]!.endsWith(`\n${body1}`) && !w[ups[0]!]!.includes('--! Hash'))
    assert.ok(w[ups[1]!]!.endsWith(`\n\n${body2}`))
    assert.ok(ups[0]!.startsWith('000001_'))
    assert.equal(r.skipped.map((s) => s.replace(/^.*\/old\//, '')), ['committed/README.md', 'current.sql', 'current/1-x.sql'])
  } finally {
    f.cleanup()
  }
})

test('placeholders and files graphile-migrate refuses are listed with file:line; nothing is written', () => {
  const f = fixture({
    'committed/000001.sql': HEAD('-', 'aa') + "select 1::TEXT;\ngrant all on schema public to :DATABASE_OWNER;\nalter role :APP_USER set x = 'y';\n",
    'committed/000002.sql': 'create table b ();\n',
    'committed/000003.sql': '--! Previous: sha1:bb\n--! Hash: sha1:cc\nselect 3;\n',
  })
  try {
    let spots: string[] = []
    try {
      importHistory(f.source, { from: 'graphile-migrate', cwd: f.dir })
    } catch (error) {
      if (!(error instanceof UnmappableSourceError)) throw error
      spots = error.spots.map((s) => `${s.file.replace(/^.*\/old\//, '')}:${s.line}: ${s.message.split(' (')[0]}`)
    }
    assert.equal(spots, [
      'committed/000001.sql:5: the placeholder :DATABASE_OWNER',
      'committed/000001.sql:6: the placeholder :APP_USER',
      'committed/000002.sql:1: no "--! Previous:" or "--! Hash:" header: not a committed graphile-migrate migration',
      'committed/000003.sql:3: no blank line after the headers',
    ])
    assert.equal(f.written(), {})
  } finally {
    f.cleanup()
  }
})

test.run()
