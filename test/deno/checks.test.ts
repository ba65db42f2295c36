/**
 * Deno's own checks over the whole source, and `deno task sqlmig` (README "Deno"): type check,
 * lint, fmt settings (deno.json), and the task shorthand run from the repository.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'
import { VERSION } from '../../src/version.ts'
import { denoAvailable, runDeno } from './deno.ts'

const deno = (...args: string[]) => runDeno(args, REPO)

if (denoAvailable()) {
  test('deno check passes on mod.ts and every source, test and bench file', async () => {
    const r = await deno('check', 'mod.ts', '.')
    assert.is(r.code, 0, r.stderr)
  })

  test('deno lint passes with the rules in deno.json', async () => {
    const r = await deno('lint', '--compact')
    assert.is(r.code, 0, r.stdout + r.stderr)
  })

  test('deno fmt --check passes on the files deno.json puts under fmt', async () => {
    const r = await deno('fmt', '--check')
    assert.is(r.code, 0, r.stdout + r.stderr)
  })

  test('deno task sqlmig runs the CLI from mod.ts, arguments passed through', async () => {
    let r = await deno('task', 'sqlmig', '--version')
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, `sqlmig/${VERSION} `)
    r = await deno('task', 'sqlmig', 'heads', '--json')
    assert.is(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout), { heads: ['3f2a9c1b7d4e'] })
    // The database does not matter here (PGlite under Deno is covered by cli-parity and library tests).
    const t = await scratchTarget()
    try {
      r = await deno('task', 'sqlmig', 'upgrade', 'nope', '--url', t.url)
      assert.is(r.code, 2, r.stderr)
      assert.match(r.stderr, 'error: No revision matches "nope"')
    } finally {
      await t.cleanup()
    }
  })
}

test.run()
