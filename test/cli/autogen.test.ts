/** create (autogenerate), check and diff as a user types them, on the example project. */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleProject, runCli } from '../helpers/cli.ts'
import { newTarget, scratchTarget, SERVER_URL, serverAvailable } from '../helpers/targets.ts'

function editSchema(dir: string, edit: (s: string) => string): void {
  const path = join(dir, 'migrations', 'schema.sql')
  writeFileSync(path, edit(readFileSync(path, 'utf8')))
}

const versions = (dir: string) => readdirSync(join(dir, 'migrations', 'versions')).sort()

test('check passes on the example, fails after an edit, and create writes the migration that closes the gap', async () => {
  const p = exampleProject()
  // The embedded PGlite shadows are the default and are used by the first check and the real
  // create; the other steps build their shadows on the server when there is one (much faster).
  const shadow = (await serverAvailable()) ? ['--shadow-url', SERVER_URL] : []
  try {
    let r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')

    r = await runCli(['create', 'Nothing to do', ...shadow], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, 'No changes detected')
    assert.is(versions(p.dir).length, 6)

    editSchema(p.dir, (s) => s.replace('    published boolean NOT NULL DEFAULT false,\n', '    published boolean NOT NULL DEFAULT false,\n    slug text,\n'))
    r = await runCli(['check', '--json', ...shadow], p.dir)
    assert.is(r.code, 1)
    const out = JSON.parse(r.stdout)
    assert.is(out.ok, false)
    assert.ok(out.changes.some((c: { detected: string }) => c.detected === 'Detected added column public.posts.slug'), r.stdout)

    r = await runCli(['create', 'Add slug to posts'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, 'Detected added column public.posts.slug')
    const up = versions(p.dir).find((n) => n.endsWith('_add_slug_to_posts.up.sql'))!
    const down = versions(p.dir).find((n) => n.endsWith('_add_slug_to_posts.down.sql'))!
    assert.match(readFileSync(join(p.dir, 'migrations', 'versions', up), 'utf8'), /ADD COLUMN slug text/)
    const downText = readFileSync(join(p.dir, 'migrations', 'versions', down), 'utf8')
    assert.match(downText, /-- WARNING: destructive\n.*DROP COLUMN slug/)

    r = await runCli(['check', ...shadow], p.dir)
    assert.is(r.code, 0, r.stdout)
    // The new migration applies after the others (on a scratch database: the server when there is one).
    const t = await scratchTarget()
    try {
      r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, '4 migrations')
    } finally {
      await t.cleanup()
    }
  } finally {
    p.cleanup()
  }
})

test('create without a declared schema says so and writes the empty template', async () => {
  const p = exampleProject()
  try {
    rmSync(join(p.dir, 'migrations', 'schema.sql'))
    const r = await runCli(['create', 'Manual change'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, 'No declared schema at')
    assert.match(r.stdout, 'writing an empty template')
    assert.is(versions(p.dir).length, 8)
    const c = await runCli(['check'], p.dir)
    assert.is(c.code, 2)
    assert.match(c.stderr, 'Cannot check: no declared schema')
  } finally {
    p.cleanup()
  }
})

if (await serverAvailable()) {
  test('diff prints the SQL that brings the live database to the declared schema, writing nothing', async () => {
    const p = exampleProject()
    const t = await newTarget('postgres')
    try {
      let r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      r = await runCli(['diff', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'No changes detected')
      editSchema(p.dir, (s) => s.replace('CREATE INDEX posts_author_published_idx', 'CREATE INDEX posts_title_idx ON posts (title);\nCREATE INDEX posts_author_published_idx'))
      r = await runCli(['diff', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'CREATE INDEX posts_title_idx ON public.posts USING btree (title);', r.stdout + r.stderr)
      assert.is(versions(p.dir).length, 6)
      r = await runCli(['current', '--json', '--url', t.url], p.dir)
      assert.equal(JSON.parse(r.stdout), { current: ['3f2a9c1b7d4e'] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
