/**
 * Database URLs as users type them (issue 13): an empty `pglite:` path is a usage error, never a
 * silent in-memory database.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { upgrade } from '../../mod.ts'
import { UsageError } from '../../src/errors.ts'
import { exampleProject, runCli } from '../helpers/cli.ts'

const EMPTY_PATH_HINT = 'hint: Use pglite:<directory> for a database kept on disk, or pglite:memory for one that is discarded at exit'

test('an empty pglite: path (--url "pglite:$UNSET") is exit 2 and creates nothing, from --url, DATABASE_URL and sqlmig.json', async () => {
  const p = exampleProject()
  try {
    const before = readdirSync(p.dir).sort()
    for (const url of ['pglite:', 'pglite://', 'pglite:  ']) {
      const r = await runCli(['upgrade', '--url', url], p.dir)
      assert.is(r.code, 2, `${url}: ${r.stdout}${r.stderr}`)
      assert.is(r.stdout, '')
      assert.is(r.stderr, `error: Cannot use database URL "${url}": it names no data directory\n${EMPTY_PATH_HINT}\n`)
    }
    const viaEnv = await runCli(['upgrade'], p.dir, { DATABASE_URL: 'pglite:' })
    assert.is(viaEnv.code, 2, viaEnv.stderr)
    assert.match(viaEnv.stderr, 'it names no data directory')
    assert.equal(readdirSync(p.dir).sort(), before, 'no data directory was created')
    assert.not.ok(existsSync(join(p.dir, '.sqlmig')))
  } finally {
    p.cleanup()
  }
})

test('upgrade() from the library refuses an empty pglite: path with a UsageError', async () => {
  const p = exampleProject()
  try {
    let caught: unknown
    try {
      await upgrade({ url: 'pglite:', cwd: p.dir })
    } catch (error) {
      caught = error
    }
    assert.instance(caught, UsageError)
    assert.not.ok(existsSync(join(p.dir, '.sqlmig')))
  } finally {
    p.cleanup()
  }
})

test('pglite:memory is still an in-memory database', async () => {
  const p = exampleProject()
  try {
    const r = await runCli(['upgrade', '--url', 'pglite:memory'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout + r.stderr, 'Upgraded to 3f2a9c1b7d4e')
    assert.not.ok(existsSync(join(p.dir, '.sqlmig')))
  } finally {
    p.cleanup()
  }
})

test.run()
