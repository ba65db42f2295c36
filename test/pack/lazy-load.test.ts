/**
 * Start-up loads only what a command needs (Node, the built package): a loader hook records every
 * module Node loads. `--help` and `current` against a server never load PGlite (its WASM comes
 * with its module), and `import('sqlmig')` loads neither cac nor a driver. A PGlite run shows
 * the hook does see PGlite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, exampleProject, REPO } from '../helpers/cli.ts'
import { type CliRun, run } from '../helpers/process.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

const work = mkdtempSync(join(tmpdir(), 'sqlmig-loads-'))
const HOOKS = join(work, 'hooks.mjs')
const REGISTER = join(work, 'register.mjs')
writeFileSync(
  HOOKS,
  `import { appendFileSync } from 'node:fs'\nexport async function load(url, context, next) {\n  appendFileSync(process.env.SQLMIG_LOAD_LOG, url + '\\n')\n  return next(url, context)\n}\n`,
)
writeFileSync(REGISTER, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(HOOKS).href)})\n`)
let runs = 0

/** Runs node with the recording hook; returns the run and the URLs of every module loaded. */
async function traced(args: string[], cwd: string): Promise<CliRun & { modules: string[] }> {
  const log = join(work, `loads-${++runs}.txt`)
  writeFileSync(log, '')
  const r = await run(process.execPath, ['--import', pathToFileURL(REGISTER).href, ...args], cwd, { env: { SQLMIG_LOAD_LOG: log } })
  return { ...r, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) }
}

const loaded = (modules: string[], pkg: string) => modules.some((u) => u.includes(`/node_modules/${pkg}/`))
/**
 * The CLI bundles cac, picocolors and postgres.js into its own chunks (dist/src/cli): a package
 * counts as loaded when a loaded file of the build holds esbuild's "// node_modules/<pkg>/" marker.
 */
const loadedOrBundled = (modules: string[], pkg: string) =>
  loaded(modules, pkg) ||
  modules.some((u) => u.startsWith('file:') && u.includes('/dist/src/cli/') && readFileSync(new URL(u), 'utf8').includes(`// node_modules/${pkg}/`))

test.after(() => rmSync(work, { recursive: true, force: true }))

test('sqlmig --help loads neither PGlite nor postgres.js', async () => {
  const r = await traced([BIN, '--help'], work)
  assert.is(r.code, 0, r.stderr)
  assert.ok(loadedOrBundled(r.modules, 'cac'), 'the hook sees cac')
  assert.not.ok(loaded(r.modules, 'cac'), 'cac is bundled, not loaded from node_modules')
  assert.not.ok(loaded(r.modules, '@electric-sql/pglite'), 'PGlite loaded')
  assert.not.ok(loadedOrBundled(r.modules, 'postgres'), 'postgres.js loaded')
  assert.not.ok(loaded(r.modules, 'libpg-query'), 'libpg-query loaded')
})

test('import("sqlmig") loads no CLI library and no driver', async () => {
  const r = await traced([
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(pathToFileURL(join(REPO, 'dist', 'mod.js')).href)}); console.log(typeof m.upgrade)`,
  ], work)
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout, 'function\n')
  assert.ok(r.modules.some((u) => u.endsWith('/dist/mod.js')), 'the hook sees mod.js')
  for (const pkg of ['cac', 'picocolors', '@electric-sql/pglite', 'postgres', 'libpg-query']) assert.not.ok(loaded(r.modules, pkg), `${pkg} loaded`)
  // The commands an application does not call at start-up load on their first call.
  for (
    const part of [
      '/dist/src/schema/',
      '/dist/src/commands/verify.js',
      '/dist/src/commands/rehearse.js',
      '/dist/src/commands/backup.js',
      '/dist/src/commands/create.js',
      '/dist/src/commands/lint.js',
      '/dist/src/lint/',
    ]
  ) {
    assert.not.ok(r.modules.some((u) => u.includes(part)), `${part} loaded`)
  }
})

test('sqlmig current on PGlite loads PGlite (the hook sees it)', async () => {
  const p = exampleProject()
  const t = await newTarget('pglite')
  try {
    const r = await traced([BIN, 'current', '--url', t.url], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.ok(loaded(r.modules, '@electric-sql/pglite'))
    assert.not.ok(loadedOrBundled(r.modules, 'postgres'), 'postgres.js loaded')
    assert.not.ok(loaded(r.modules, 'libpg-query'), 'libpg-query (the lint parser) loaded')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('sqlmig lint --all loads libpg-query (the hook sees it) and no driver', async () => {
  const p = exampleProject()
  try {
    const r = await traced([BIN, 'lint', '--all'], p.dir)
    assert.ok(r.code === 0 || r.code === 1, r.stderr)
    assert.ok(loaded(r.modules, 'libpg-query'), 'libpg-query not loaded')
    assert.not.ok(loaded(r.modules, '@electric-sql/pglite'), 'PGlite loaded')
    assert.not.ok(loadedOrBundled(r.modules, 'postgres'), 'postgres.js loaded')
  } finally {
    p.cleanup()
  }
})

if ((await targetKinds()).includes('postgres')) {
  test('sqlmig current against a server never loads PGlite', async () => {
    const p = exampleProject()
    const t = await newTarget('postgres')
    try {
      const r = await traced([BIN, 'current', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'base')
      assert.ok(loadedOrBundled(r.modules, 'postgres'), 'postgres.js loaded')
      // Everything on the path of `current` is in the CLI's bundle: no module resolution into node_modules.
      assert.equal(r.modules.filter((u) => u.includes('/node_modules/')), [], 'modules loaded from node_modules')
      assert.not.ok(loaded(r.modules, '@electric-sql/pglite'), 'PGlite loaded')
      assert.not.ok(loaded(r.modules, 'libpg-query'), 'libpg-query (the lint parser) loaded')
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })

  test('the runner runs on Kysely: the library loads it only when something is pending; the CLI has it bundled', async () => {
    const p = exampleProject()
    const t = await newTarget('postgres')
    const mod = JSON.stringify(pathToFileURL(join(REPO, 'dist', 'mod.js')).href)
    const call = `const { upgrade } = await import(${mod}); const r = await upgrade({ url: ${JSON.stringify(t.url)} }); console.log(r.steps.length)`
    try {
      const pending = await traced(['--input-type=module', '-e', call], p.dir)
      assert.is(pending.code, 0, pending.stderr)
      assert.ok(Number(pending.stdout) > 0, pending.stdout)
      assert.ok(loaded(pending.modules, 'kysely'), 'an upgrade with pending migrations loads Kysely')
      const idle = await traced(['--input-type=module', '-e', call], p.dir)
      assert.is(idle.stdout, '0\n')
      assert.not.ok(loaded(idle.modules, 'kysely'), 'upgrade() with nothing to do loaded Kysely')
      const cli = await traced([BIN, 'downgrade', 'base', '--url', t.url], p.dir)
      assert.is(cli.code, 0, cli.stderr)
      assert.not.ok(loaded(cli.modules, 'kysely'), 'the CLI loaded node_modules/kysely instead of its bundled copy')
      assert.ok(cli.modules.some((u) => /\/dist\/src\/cli\/chunks\/run-plan-[A-Z0-9]+\.js$/.test(u)), 'the bundled runner')
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

test.run()
