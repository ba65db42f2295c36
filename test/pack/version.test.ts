/** One version everywhere: package.json, package-lock.json, deno.json, src/version.ts and `sqlmig --version`. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { VERSION } from '../../src/version.ts'
import { REPO, runCli, tempProject } from '../helpers/cli.ts'

const read = (name: string) => JSON.parse(readFileSync(join(REPO, name), 'utf8'))

test('package.json, package-lock.json, deno.json and src/version.ts carry one version', () => {
  const pkg = read('package.json').version
  assert.match(pkg, /^\d+\.\d+\.\d+/)
  assert.is(read('deno.json').version, pkg, 'deno.json')
  assert.is(VERSION, pkg, 'src/version.ts')
  const lock = read('package-lock.json')
  assert.is(lock.version, pkg, 'package-lock.json')
  assert.is(lock.packages[''].version, pkg, 'package-lock.json packages[""]')
})

test('sqlmig --version prints it', async () => {
  const p = tempProject()
  try {
    const r = await runCli(['--version'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, `sqlmig/${VERSION} `)
  } finally {
    p.cleanup()
  }
})

test.run()
