/**
 * Issue 20, item 5: `current` and `history` on a project whose embedded database does not exist
 * yet answer "base" without starting PGlite and without creating its data directory; once
 * `upgrade` has created it, they read it as before.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'

const FILES = {
  'sqlmig.json': JSON.stringify({ url: 'pglite:.sqlmig/pgdata', dir: 'migrations' }),
  ...migrationFiles(chain([
    { revision: 'a0000000000a', message: 'first', up: 'create table a (id int);', down: 'drop table a;' },
    { revision: 'b0000000000b', message: 'second', up: 'create table b (id int);', down: 'drop table b;' },
  ])),
}

test('current and history on an embedded database not created yet: base, and no data directory appears; after upgrade they read it', async () => {
  const p = tempProject(FILES)
  const data = join(p.dir, '.sqlmig')
  try {
    const cur = await runCli(['current'], p.dir)
    assert.is(cur.code, 0, cur.stderr)
    assert.match(cur.stdout, /^base/m)
    assert.match(cur.stderr, /2 pending migrations/)
    assert.match(cur.stderr, /Using database pglite:.*\.sqlmig\/pgdata \(from sqlmig\.json\)/)
    const json = await runCli(['current', '--json'], p.dir)
    assert.equal(JSON.parse(json.stdout), { current: [] })
    const hist = await runCli(['history', '--json'], p.dir)
    assert.is(hist.code, 0, hist.stderr)
    const revisions = (JSON.parse(hist.stdout) as { revisions: { revision: string; applied: boolean }[] }).revisions
    assert.equal(revisions.map((r) => [r.revision, r.applied]), [['b0000000000b', false], ['a0000000000a', false]])
    assert.not.ok(existsSync(data), 'a read-only command created the embedded database')

    const up = await runCli(['upgrade', '--revision', 'a0000000000a'], p.dir)
    assert.is(up.code, 0, up.stderr)
    assert.ok(existsSync(join(data, 'pgdata', 'PG_VERSION')))
    const after = await runCli(['current', '--json'], p.dir)
    assert.equal(JSON.parse(after.stdout), { current: ['a0000000000a'] })
    const hist2 = JSON.parse((await runCli(['history', '--json'], p.dir)).stdout) as { revisions: { revision: string; applied: boolean }[] }
    assert.equal(hist2.revisions.map((r) => [r.revision, r.applied]), [['b0000000000b', false], ['a0000000000a', true]])
  } finally {
    p.cleanup()
  }
})

test('current --url pglite:memory answers base without starting PGlite', async () => {
  const p = tempProject(FILES)
  try {
    const cur = await runCli(['current', '--url', 'pglite:memory', '--json'], p.dir)
    assert.is(cur.code, 0, cur.stderr)
    assert.equal(JSON.parse(cur.stdout), { current: [] })
  } finally {
    p.cleanup()
  }
})

test.run()
