/**
 * The library call an application makes at startup, `await upgrade({ url })`, run by Deno from
 * source on PGlite and the server: the first start applies everything, the second nothing, and
 * importing mod.ts never starts the CLI.
 */
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleProject, REPO } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { denoAvailable, runDeno } from './deno.ts'

const HEAD = '3f2a9c1b7d4e'
const ALL = ['1a2b3c4d5e6f', '7c8d9e0f1a2b', HEAD]
const SCRIPT = join(REPO, 'test', 'deno', 'app-startup.ts')

for (const kind of denoAvailable() ? await targetKinds() : []) {
  test(`${kind}: Deno app startup: await upgrade({ url }) applies pending migrations once, and importing mod.ts runs no CLI`, async () => {
    const p = exampleProject()
    const t = await newTarget(kind)
    try {
      const start = () => runDeno(['run', '-A', SCRIPT, 'history'], p.dir, { DATABASE_URL: t.url })
      let r = await start()
      assert.is(r.code, 0, r.stderr)
      assert.is(r.stderr, '')
      assert.equal(JSON.parse(r.stdout), { from: [], to: [HEAD], applied: ALL, current: [HEAD] })
      r = await start()
      assert.is(r.code, 0, r.stderr)
      assert.equal(JSON.parse(r.stdout), { from: [HEAD], to: [HEAD], applied: [], current: [HEAD] })
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

test.run()
