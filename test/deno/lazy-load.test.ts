/**
 * Under Deno, `--help` and `current` against a server never read PGlite's files (its WASM and
 * data bundle): they succeed with read access to node_modules/@electric-sql denied, while a
 * PGlite run with the same denial fails on exactly that read.
 */
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleProject, REPO } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { denoAvailable, MOD, runDeno } from './deno.ts'

const DENY = `--deny-read=${join(REPO, 'node_modules', '@electric-sql')}`
const denied = (args: string[], cwd: string) => runDeno(['run', '-A', DENY, MOD, ...args], cwd)

if (denoAvailable()) {
  test('deno run mod.ts --help reads no PGlite file', async () => {
    const p = exampleProject()
    try {
      const r = await denied(['--help'], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'Usage:')
    } finally {
      p.cleanup()
    }
  })

  test('deno run mod.ts upgrade on PGlite needs PGlite files (the denial bites)', async () => {
    const p = exampleProject()
    try {
      // upgrade, not current: current on an embedded database not created yet starts no PGlite.
      const r = await denied(['upgrade', '--url', 'pglite:memory'], p.dir)
      assert.is.not(r.code, 0)
      assert.match(r.stderr, /Requires read access to ".*@electric-sql\/pglite/)
    } finally {
      p.cleanup()
    }
  })

  if ((await targetKinds()).includes('postgres')) {
    test('deno run mod.ts current against a server reads no PGlite file', async () => {
      const p = exampleProject()
      const t = await newTarget('postgres')
      try {
        const r = await denied(['current', '--url', t.url], p.dir)
        assert.is(r.code, 0, r.stderr)
        assert.match(r.stdout, 'base')
      } finally {
        await t.cleanup()
        p.cleanup()
      }
    })
  }
}

test.run()
