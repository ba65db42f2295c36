/**
 * Issue 17: `import` writes sqlmig pairs from each tool's files: the body byte for byte after a
 * header, the revision derived from the tool's version, down_revision from the source order,
 * message and created from the name, transaction: false where the tool or the SQL says so,
 * irreversible downs where the source has none.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { loadScripts } from '../../src/files/script-directory.ts'
import { nodeFileSource } from '../../src/files/file-source.ts'
import { splitStatements } from '../../src/sql/split.ts'
import { fixture, rev } from './helpers.ts'

test('golang-migrate: .up.sql/.down.sql pairs in numeric order; BEGIN/COMMIT and CONCURRENTLY files run outside a transaction; no down file is irreversible', () => {
  const f = fixture({
    '000001_create_users.up.sql': 'CREATE TABLE users (id serial PRIMARY KEY, email text);\n',
    '000001_create_users.down.sql': 'DROP TABLE users;\n',
    '000002_index_email.up.sql': 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n',
    '000002_index_email.down.sql': 'DROP INDEX CONCURRENTLY users_email;\n',
    '000010_backfill.up.sql': 'BEGIN;\nUPDATE users SET email = lower(email);\nCOMMIT;\n',
    'README.md': 'not a migration\n',
  })
  try {
    const r = importHistory(f.source, { from: 'golang-migrate', cwd: f.dir })
    const [a, b, c] = [rev('golang-migrate', '1'), rev('golang-migrate', '2'), rev('golang-migrate', '10')]
    assert.equal(r.imported.map((m) => [m.version, m.revision, m.down_revision, m.transaction, m.irreversible]), [
      ['1', a, [], true, false],
      ['2', b, [a], false, false],
      ['10', c, [b], false, true],
    ])
    assert.equal(r.imported[1]!.transaction_reason, 'line 1: CREATE INDEX CONCURRENTLY')
    assert.equal(r.imported[2]!.transaction_reason, 'line 1: BEGIN')
    assert.equal(r.written, 6)
    assert.equal(r.skipped, [`${f.source}/README.md`])
    assert.equal(f.written(), {
      [`000001_${a}_create_users.down.sql`]: `-- revision: ${a}\n\nDROP TABLE users;\n`,
      [`000001_${a}_create_users.up.sql`]: `-- revision: ${a}\n-- down_revision: none\n-- message: create users\n\nCREATE TABLE users (id serial PRIMARY KEY, email text);\n`,
      [`000002_${b}_index_email.down.sql`]: `-- revision: ${b}\n-- transaction: false\n\nDROP INDEX CONCURRENTLY users_email;\n`,
      [`000002_${b}_index_email.up.sql`]: `-- revision: ${b}\n-- down_revision: ${a}\n-- message: index email\n-- transaction: false\n\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n`,
      [`000010_${c}_backfill.down.sql`]: `-- revision: ${c}\n-- irreversible: imported from golang-migrate without a down\n\n`,
      [`000010_${c}_backfill.up.sql`]: `-- revision: ${c}\n-- down_revision: ${b}\n-- message: backfill\n-- transaction: false\n\nBEGIN;\nUPDATE users SET email = lower(email);\nCOMMIT;\n`,
    })
    // What was written loads as sqlmig reads it.
    assert.equal(loadScripts(nodeFileSource, `${f.dir}/migrations`).map((s) => s.id), [a, b, c])
  } finally {
    f.cleanup()
  }
})

test('dbmate: the up body runs from the file start to "-- migrate:down", the down body to the end; transaction:false per section; created from the version; CRLF kept', () => {
  const crlf = '-- migrate:up\r\nCREATE TABLE t (id int);  \r\n\r\n-- migrate:down\r\nDROP TABLE t;\r\n'
  const f = fixture({
    '20230101120000_create_t.sql': crlf,
    '20230102093000_index_t.sql': '-- index it\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n\n-- migrate:down\n',
    'schema.sql': '-- dbmate dump, no version\n',
  })
  try {
    const r = importHistory(f.source, { from: 'dbmate', cwd: f.dir })
    const [a, b] = [rev('dbmate', '20230101120000'), rev('dbmate', '20230102093000')]
    assert.equal(r.imported.map((m) => [m.revision, m.created, m.transaction, m.transaction_reason, m.irreversible]), [
      [a, '2023-01-01T12:00:00Z', true, undefined, false],
      [b, '2023-01-02T09:30:00Z', false, '-- migrate:up transaction:false', true],
    ])
    assert.equal(f.written(), {
      [`20230101120000_${a}_create_t.down.sql`]: `-- revision: ${a}\r\n\r\n-- migrate:down\r\nDROP TABLE t;\r\n`,
      [`20230101120000_${a}_create_t.up.sql`]: `-- revision: ${a}\r\n-- down_revision: none\r\n-- message: create t\r\n-- created: 2023-01-01T12:00:00Z\r\n\r\n-- migrate:up\r\nCREATE TABLE t (id int);  \r\n\r\n`,
      [`20230102093000_${b}_index_t.down.sql`]: `-- revision: ${b}\n-- irreversible: imported from dbmate without a down\n\n-- migrate:down\n`,
      [`20230102093000_${b}_index_t.up.sql`]: `-- revision: ${b}\n-- down_revision: ${a}\n-- message: index t\n-- created: 2023-01-02T09:30:00Z\n-- transaction: false\n\n-- index it\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n\n`,
    })
    // The two bodies together are the source file, byte for byte.
    const w = f.written()
    const body = (t: string) => t.slice(t.indexOf('\r\n\r\n') + 4)
    assert.is(body(w[`20230101120000_${a}_create_t.up.sql`]!) + body(w[`20230101120000_${a}_create_t.down.sql`]!), crlf)
  } finally {
    f.cleanup()
  }
})

test('goose: NO TRANSACTION marks both files; StatementBegin/End blocks split into the statements the server sees; no Down section is irreversible', () => {
  const up = [
    '-- +goose NO TRANSACTION',
    '-- +goose Up',
    '-- +goose StatementBegin',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$',
    'BEGIN',
    '  NEW.updated_at := now();',
    '  RETURN NEW;',
    'END;',
    '$$;',
    '-- +goose StatementEnd',
    'CREATE INDEX CONCURRENTLY t_id ON t (id);',
    '',
  ].join('\n')
  const down = '-- +goose Down\nDROP INDEX CONCURRENTLY t_id;\nDROP FUNCTION touch();\n'
  const g = fixture({ '00001_create_t.sql': '-- +goose Up\nCREATE TABLE t (id int, updated_at timestamptz);\n', '00002_touch.sql': up + down })
  try {
    const r = importHistory(g.source, { from: 'goose', cwd: g.dir })
    const [a, b] = [rev('goose', '1'), rev('goose', '2')]
    assert.equal(r.imported.map((m) => [m.version, m.revision, m.created, m.transaction, m.down_transaction, m.irreversible, m.transaction_reason]), [
      ['1', a, undefined, true, true, true, undefined],
      ['2', b, undefined, false, false, false, '-- +goose NO TRANSACTION'],
    ])
    const w = g.written()
    assert.equal(Object.keys(w), [`00001_${a}_create_t.down.sql`, `00001_${a}_create_t.up.sql`, `00002_${b}_touch.down.sql`, `00002_${b}_touch.up.sql`])
    assert.is(w[`00002_${b}_touch.up.sql`], `-- revision: ${b}\n-- down_revision: ${a}\n-- message: touch\n-- transaction: false\n\n${up}`)
    assert.is(w[`00002_${b}_touch.down.sql`], `-- revision: ${b}\n-- transaction: false\n\n${down}`)
    assert.is(w[`00001_${a}_create_t.down.sql`], `-- revision: ${a}\n-- irreversible: imported from goose without a down\n\n`)
    assert.equal(splitStatements(w[`00002_${b}_touch.up.sql`]!).map((s) => s.text.split('\n')[0]), [
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$',
      'CREATE INDEX CONCURRENTLY t_id ON t (id)',
    ])
  } finally {
    g.cleanup()
  }
})

test('flyway: V files in version order (sub-folders too, "_" read as "."), U files as downs, .sql.conf executeInTransaction=false, description as message', () => {
  const f = fixture({
    'V1__Create_users.sql': 'CREATE TABLE users (id int);\n',
    'V1_1__Add_email.sql': 'ALTER TABLE users ADD email text;\n',
    'U1_1__Add_email.sql': 'ALTER TABLE users DROP email;\n',
    'V2__Index_email.sql': 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n',
    'V2__Index_email.sql.conf': '# per-script settings\nexecuteInTransaction=false\n',
    'more/V10__Add_name.sql': 'ALTER TABLE users ADD name text;\n',
    'notes.sql': '-- scratch, Flyway ignores it\n',
  })
  try {
    const r = importHistory(f.source, { from: 'flyway', cwd: f.dir })
    assert.equal(r.imported.map((m) => [m.version, m.revision, m.message, m.transaction, m.transaction_reason, m.irreversible]), [
      ['1', rev('flyway', '1'), 'Create users', true, undefined, true],
      ['1.1', rev('flyway', '1.1'), 'Add email', true, undefined, false],
      ['2', rev('flyway', '2'), 'Index email', false, 'V2__Index_email.sql.conf: executeInTransaction=false', true],
      ['10', rev('flyway', '10'), 'Add name', true, undefined, true],
    ])
    assert.equal(r.skipped, [`${f.source}/notes.sql`])
    const b = rev('flyway', '1.1')
    assert.is(f.written()[`1_1_${b}_add_email.down.sql`], `-- revision: ${b}\n\nALTER TABLE users DROP email;\n`)
    assert.is(f.written()[`1_1_${b}_add_email.up.sql`], `-- revision: ${b}\n-- down_revision: ${rev('flyway', '1')}\n-- message: Add email\n\nALTER TABLE users ADD email text;\n`)
  } finally {
    f.cleanup()
  }
})

test('node-pg-migrate: "-- Up Migration"/"-- Down Migration" sections in either order; a file without markers is all up; created from the Date.now() prefix', () => {
  const f = fixture({
    '1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id int);\n\n-- Down Migration\nDROP TABLE users;\n',
    '1700000001000_add-email.sql': '-- Down Migration\nALTER TABLE users DROP email;\n-- Up Migration\nALTER TABLE users ADD email text;\n',
    '1700000002000_seed.sql': 'INSERT INTO users VALUES (1);\n',
    '.eslintrc': '{}\n',
  })
  try {
    const r = importHistory(f.source, { from: 'node-pg-migrate', cwd: f.dir })
    const ids = ['1700000000000_create-users', '1700000001000_add-email', '1700000002000_seed'].map((v) => rev('node-pg-migrate', v))
    assert.equal(r.imported.map((m) => [m.revision, m.message, m.created, m.irreversible]), [
      [ids[0], 'create users', '2023-11-14T22:13:20Z', false],
      [ids[1], 'add email', '2023-11-14T22:13:21Z', false],
      [ids[2], 'seed', '2023-11-14T22:13:22Z', true],
    ])
    const w = f.written()
    assert.is(w[`20231114221321_${ids[1]}_add_email.up.sql`], `-- revision: ${ids[1]}\n-- down_revision: ${ids[0]}\n-- message: add email\n-- created: 2023-11-14T22:13:21Z\n\n-- Up Migration\nALTER TABLE users ADD email text;\n`)
    assert.is(w[`20231114221321_${ids[1]}_add_email.down.sql`], `-- revision: ${ids[1]}\n\n-- Down Migration\nALTER TABLE users DROP email;\n`)
    assert.is(w[`20231114221322_${ids[2]}_seed.down.sql`], `-- revision: ${ids[2]}\n-- irreversible: imported from node-pg-migrate without a down\n\n`)
  } finally {
    f.cleanup()
  }
})

test.run()
