/**
 * Column order is not a schema difference (issue 13, case 1): a column declared in the middle of
 * a CREATE TABLE is appended with ADD COLUMN, never moved by rebuilding the table, and check,
 * diff and verify compare columns by name. Run as a user types the commands, on PGlite and on
 * the server when there is one.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { chain, exampleProject, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL, targetKinds, type TargetKind } from '../helpers/targets.ts'

const kinds = await targetKinds()
/** PGlite shadows (the default) for the PGlite target, scratch databases on the server for the server. */
const shadowFor = (kind: TargetKind) => (kind === 'postgres' ? ['--shadow-url', SERVER_URL] : [])

function editSchema(dir: string, edit: (s: string) => string): void {
  const path = join(dir, 'migrations', 'schema.sql')
  const before = readFileSync(path, 'utf8')
  const after = edit(before)
  assert.is.not(after, before, 'the schema edit applied')
  writeFileSync(path, after)
}

/** posts as the example declares it, with `subtitle text` declared between title and body. */
const SUBTITLE = (s: string) => s.replace('    title text NOT NULL,\n', '    title text NOT NULL,\n    subtitle text,\n')

const versions = (dir: string) => readdirSync(join(dir, 'migrations', 'versions')).sort()

async function rows<R>(url: string, text: string): Promise<R[]> {
  const db = await openDatabase(url)
  try {
    return await db.query<R>(text)
  } finally {
    await db.close()
  }
}

for (const kind of kinds) {
  test(`${kind}: a column declared in the middle is appended with ADD COLUMN; the rows and their updated_at are untouched; check converges`, async () => {
    const p = exampleProject()
    const t = await newTarget(kind)
    const shadow = shadowFor(kind)
    try {
      let r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      const db = await openDatabase(t.url)
      try {
        await db.exec(`INSERT INTO users (email) VALUES ('ann@example.com');
          INSERT INTO posts (author_id, title, body, published, updated_at)
          SELECT id, 'Hello', 'First post', true, '2020-01-02 03:04:05+00' FROM users`)
      } finally {
        await db.close()
      }
      const before = await rows<Record<string, unknown>>(t.url, `SELECT id, author_id, title, body, published, updated_at::text AS updated_at FROM posts ORDER BY id`)

      editSchema(p.dir, SUBTITLE)
      r = await runCli(['create', 'add col', ...shadow], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.match(r.stdout, 'Detected added column public.posts.subtitle')
      const upName = versions(p.dir).find((n) => n.endsWith('_add_col.up.sql'))
      assert.ok(upName, versions(p.dir).join(', '))
      const up = readFileSync(join(p.dir, 'migrations', 'versions', upName!), 'utf8')
      const statements = up.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('--'))
      assert.equal(statements, ['ALTER TABLE public.posts ADD COLUMN subtitle text;'], up)
      assert.not.match(up, /\bUPDATE\b|\bRENAME\b|DROP COLUMN|sqlmig_tmp/i)

      r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      const after = await rows<Record<string, unknown>>(t.url, `SELECT id, author_id, title, body, published, updated_at::text AS updated_at, subtitle FROM posts ORDER BY id`)
      assert.equal(after, before.map((row) => ({ ...row, subtitle: null })))
      // Physically at the end, where ADD COLUMN puts it.
      const cols = await rows<{ attname: string }>(t.url, `SELECT attname FROM pg_attribute WHERE attrelid = 'public.posts'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`)
      assert.equal(cols.map((c) => c.attname), ['id', 'author_id', 'title', 'body', 'published', 'updated_at', 'subtitle'])

      r = await runCli(['check', ...shadow], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.match(r.stdout, 'No changes detected')
      r = await runCli(['diff', '--url', t.url, ...shadow], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.match(r.stdout, 'No changes detected')
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

test('a hand-written ADD COLUMN for a column schema.sql declares in the middle passes check', async () => {
  const p = exampleProject()
  try {
    editSchema(p.dir, SUBTITLE)
    writeFileSync(join(p.dir, 'migrations', 'versions', '20261201090000_5e5e5e5e5e5e_add_subtitle.up.sql'),
      '-- revision: 5e5e5e5e5e5e\n-- down_revision: 3f2a9c1b7d4e\n-- message: Add subtitle\n-- created: 2026-12-01T09:00:00Z\n\nALTER TABLE posts ADD COLUMN subtitle text;\n')
    writeFileSync(join(p.dir, 'migrations', 'versions', '20261201090000_5e5e5e5e5e5e_add_subtitle.down.sql'),
      '-- revision: 5e5e5e5e5e5e\n\nALTER TABLE posts DROP COLUMN subtitle;\n')
    const r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')
  } finally {
    p.cleanup()
  }
})

for (const kind of kinds) {
  test(`${kind}: verify accepts a down that re-adds a dropped middle column (or attribute) at the end`, async () => {
    const p = tempProject(migrationFiles(chain([
      { revision: 'aaaa0001', up: 'create table t (a int, b int, c int);\ncreate type pair as (x int, y int, z int);', down: 'drop type pair;\ndrop table t;' },
      { revision: 'bbbb0002', up: 'alter table t drop column b;', down: 'alter table t add column b int;' },
      { revision: 'cccc0003', up: 'alter type pair drop attribute y;', down: 'alter type pair add attribute y int;' },
    ])))
    const t = await newTarget(kind)
    try {
      const r = await runCli(['verify', '--url', t.url, '--json'], p.dir)
      assert.not.match(r.stdout + r.stderr, 'does not restore')
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.is(JSON.parse(r.stdout).ok, true, r.stdout)
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

test.run()
