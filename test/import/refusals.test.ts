/**
 * Issue 17: what import cannot map faithfully stops it with every file and line listed, and
 * nothing written; a re-import is stable (same ids, nothing rewritten, only new migrations
 * added); a conflict in versions/ is named; the CLI's exit codes, text and --json.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { ImportConflict, UnmappableSourceError } from '../../src/errors.ts'
import { runCli } from '../helpers/cli.ts'
import { fixture, rev } from './helpers.ts'

function spotsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof UnmappableSourceError) return error.spots.map((s) => `${s.file.replace(/^.*\/old\//, '')}:${s.line}: ${s.message.split(': ')[0]}`)
    throw error
  }
  throw new Error('no error')
}

test('flyway: repeatables, callbacks, placeholders and unknown script settings are each listed with file:line; nothing is written', () => {
  const f = fixture({
    'V1__Create.sql': 'CREATE TABLE t (id int);\n',
    'V2__Grant.sql': '-- grants\nGRANT SELECT ON t TO ${reader};\nGRANT ALL ON t TO ${writer};\n',
    'V2__Grant.sql.conf': 'executeInTransaction=true\nmixed=true\n',
    'R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;\n',
    'sub/afterMigrate.sql': 'ANALYZE;\n',
    'V1_0__Again.sql': 'SELECT 1;\n',
    'U7__Orphan.sql': 'SELECT 1;\n',
  })
  try {
    assert.equal(spotsOf(() => importHistory(f.source, { from: 'flyway', cwd: f.dir })), [
      'R__views.sql:1: a Flyway repeatable migration (R__)',
      'sub/afterMigrate.sql:1: a Flyway callback (it runs at every migrate)',
      'V1__Create.sql:1: version 1 is also V1_0__Again.sql (Flyway refuses it too)',
      'V2__Grant.sql:2: Flyway placeholder "${reader}"',
      'V2__Grant.sql:3: Flyway placeholder "${writer}"',
      'V2__Grant.sql.conf:2: Flyway script setting "mixed=true" has no sqlmig equivalent (only executeInTransaction=true|false and encoding=UTF-8 map)',
      'U7__Orphan.sql:1: an undo file without a versioned V7__ migration',
    ])
    assert.not.ok(existsSync(f.versions), 'nothing written, not even the folder')
  } finally {
    f.cleanup()
  }
})

test('goose: Go migrations, ENVSUB ON, psql meta-commands and SQL before Up are each listed; nothing is written', () => {
  const f = fixture({
    '00001_create.sql': '-- +goose Up\nCREATE TABLE t (id int);\n',
    '00002_seed.go': 'package migrations\n\nimport "github.com/pressly/goose/v3"\n\nfunc init() {\n\tgoose.AddMigrationContext(up, down)\n}\n',
    '00003_env.sql': '-- +goose Up\n-- +goose ENVSUB ON\nCREATE ROLE ${APP_ROLE};\n',
    '00004_psql.sql': '-- +goose Up\nCREATE TABLE u (id int);\n\\i other.sql\n',
    '00005_early.sql': 'SELECT 1;\n-- +goose Up\nSELECT 2;\n',
  })
  try {
    assert.equal(spotsOf(() => importHistory(f.source, { from: 'goose', cwd: f.dir })), [
      '00002_seed.go:6: a Go-coded goose migration',
      '00003_env.sql:2: "-- +goose ENVSUB ON"',
      '00005_early.sql:1: SQL before "-- +goose Up" (goose refuses it too)',
      '00004_psql.sql:3: psql meta-command "\\i" is not supported',
    ].map((s) => s))
    assert.not.ok(existsSync(f.versions))
  } finally {
    f.cleanup()
  }
})

test('node-pg-migrate: JavaScript migrations and a down section without an up marker are refused; dbmate: a file without "-- migrate:down"', () => {
  const f = fixture({
    '1700000000000_init.js': 'exports.up = (pgm) => {}\n',
    '1700000001000_x.sql': '-- Down Migration\nDROP TABLE x;\n',
  })
  const d = fixture({ '20230101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n' })
  try {
    assert.equal(spotsOf(() => importHistory(f.source, { from: 'node-pg-migrate', cwd: f.dir })), [
      '1700000000000_init.js:1: a JavaScript/TypeScript node-pg-migrate migration',
      '1700000001000_x.sql:1: a "-- Down Migration" section but no "-- Up Migration"',
    ])
    assert.equal(spotsOf(() => importHistory(d.source, { from: 'dbmate', cwd: d.dir })), ['20230101000000_a.sql:1: no "-- migrate:down" line (dbmate requires one)'])
    assert.not.ok(existsSync(f.versions) || existsSync(d.versions))
  } finally {
    f.cleanup()
    d.cleanup()
  }
})

test('a re-import is stable: same ids, nothing rewritten; a new source migration is added on top; an edited imported file or a foreign migration is a conflict and nothing is written', () => {
  const f = fixture({
    '000001_a.up.sql': 'CREATE TABLE a (id int);\n',
    '000001_a.down.sql': 'DROP TABLE a;\n',
  })
  try {
    const first = importHistory(f.source, { from: 'golang-migrate', cwd: f.dir })
    const again = importHistory(f.source, { from: 'golang-migrate', cwd: f.dir })
    assert.equal(again.imported.map((m) => [m.revision, m.status]), [[rev('golang-migrate', '1'), 'unchanged']])
    assert.equal([first.written, again.written, again.unchanged], [2, 0, 2])
    writeFileSync(join(f.source, '000002_b.up.sql'), 'CREATE TABLE b (id int);\n')
    const grown = importHistory(f.source, { from: 'golang-migrate', cwd: f.dir })
    assert.equal(grown.imported.map((m) => [m.revision, m.down_revision, m.status]), [
      [rev('golang-migrate', '1'), [], 'unchanged'],
      [rev('golang-migrate', '2'), [rev('golang-migrate', '1')], 'written'],
    ])
    const before = f.written()
    appendFileSync(grown.imported[0]!.up, '-- edited\n')
    writeFileSync(join(f.versions, '20260101000000_abc_mine.up.sql'), '-- revision: abc\n-- down_revision: none\n')
    writeFileSync(join(f.source, '000003_c.up.sql'), 'CREATE TABLE c (id int);\n')
    try {
      importHistory(f.source, { from: 'golang-migrate', cwd: f.dir })
      assert.unreachable('conflict expected')
    } catch (error) {
      assert.instance(error, ImportConflict)
      assert.equal((error as ImportConflict).conflicts.map((c) => c.replace(f.versions + '/', '')), [
        '20260101000000_abc_mine.up.sql: not part of this import',
        `000001_${rev('golang-migrate', '1')}_a.up.sql: exists with other text (edited since it was imported?)`,
      ])
    }
    const after = f.written()
    assert.equal(Object.keys(after).filter((n) => !(n in before)), ['20260101000000_abc_mine.up.sql'], 'the new source migration was not written')
  } finally {
    f.cleanup()
  }
})

test('CLI: "old name -> revision" lines, --json, exit 5 with every file:line on stderr, exit 2 for a missing or unknown --from', async () => {
  const f = fixture({
    '20230101120000_create_t.sql': '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n',
  })
  const bad = fixture({ 'V1__a.sql': 'SELECT ${x};\n', 'R__b.sql': 'SELECT 1;\n' })
  try {
    const id = rev('dbmate', '20230101120000')
    const text = await runCli(['import', 'old', '--from', 'dbmate'], f.dir)
    assert.is(text.code, 0, text.stderr)
    assert.is(text.stdout, `old/20230101120000_create_t.sql -> ${id}\nWrote 2 files into migrations/versions (1 revision)\n`)
    const json = await runCli(['import', 'old', '--from', 'dbmate', '--json'], f.dir)
    assert.is(json.code, 0, json.stderr)
    assert.equal(JSON.parse(json.stdout), {
      from: 'dbmate',
      source: 'old',
      versions: 'migrations/versions',
      imported: [{
        source: 'old/20230101120000_create_t.sql',
        version: '20230101120000',
        revision: id,
        down_revision: [],
        message: 'create t',
        created: '2023-01-01T12:00:00Z',
        up: `migrations/versions/20230101120000_${id}_create_t.up.sql`,
        down: `migrations/versions/20230101120000_${id}_create_t.down.sql`,
        transaction: true,
        down_transaction: true,
        irreversible: false,
        status: 'unchanged',
      }],
      written: 0,
      unchanged: 2,
      skipped: [],
      notes: [],
    })
    const refused = await runCli(['import', 'old', '--from', 'flyway'], bad.dir)
    assert.is(refused.code, 5)
    assert.is(refused.stdout, '')
    assert.match(refused.stderr, 'Cannot import from flyway: 2 places cannot be mapped faithfully; nothing was written')
    assert.match(refused.stderr, 'old/R__b.sql:1: a Flyway repeatable migration (R__)')
    assert.match(refused.stderr, 'old/V1__a.sql:1: Flyway placeholder "${x}"')
    assert.not.ok(existsSync(join(bad.dir, 'migrations')))
    const missing = await runCli(['import', 'old'], f.dir)
    assert.is(missing.code, 2)
    assert.match(missing.stderr, 'Missing --from')
    const unknown = await runCli(['import', 'old', '--from', 'liquibase'], f.dir)
    assert.is(unknown.code, 2)
    assert.match(unknown.stderr, 'Cannot import from "liquibase"')
  } finally {
    f.cleanup()
    bad.cleanup()
  }
})

test.run()
