/**
 * The npm package as a Node user gets it: `npm pack` → a tarball installed into a brand-new
 * project in a temporary folder (outside the repository, so nothing resolves to its sources).
 * There `npx sqlmig history`, `npx sqlmig upgrade` and `import { upgrade } from 'sqlmig'` (type
 * checked with tsc, then run) must work and match the repository's CLI. Dependencies come from
 * the npm registry (or npm's cache: --prefer-offline).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleProject, REPO, runCli } from '../helpers/cli.ts'
import { type CliRun, run } from '../helpers/process.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { normalize } from './normalize.ts'

const HEAD = '3f2a9c1b7d4e'
const ALL = ['1a2b3c4d5e6f', '7c8d9e0f1a2b', HEAD]
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx'

/** Runs a command in the environment of a user's shell: none of the npm variables `npm test` sets for the repository. */
function sh(command: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return run(command, args, cwd, { env, timeoutMs: 300_000, userShell: true })
}

const ok = (r: CliRun, what: string) => assert.is(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`)

const work = mkdtempSync(join(tmpdir(), 'sqlmig-pack-'))
const app = join(work, 'app')
let tarball = ''

test.after(() => rmSync(work, { recursive: true, force: true }))

test('npm pack makes a small tarball of the compiled library, CLI, types, README and package.json only', async () => {
  const r = await sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO)
  ok(r, 'npm pack')
  const [info] = JSON.parse(r.stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[]
  assert.ok(info)
  tarball = join(work, info.filename)
  assert.is(statSync(tarball).size, info.size)
  const paths = info.files.map((f) => f.path)
  const extra = paths.filter((p) => !/^(package\.json|README\.md|LICENSE|dist\/mod\.(js|d\.ts)|dist\/src\/.+\.(js|d\.ts))$/.test(p))
  assert.equal(extra, [], 'files users do not need')
  for (const needed of ['dist/mod.js', 'dist/mod.d.ts', 'dist/src/cli/bin.js', 'dist/src/db/pglite.js', 'dist/src/db/postgres.js']) {
    assert.ok(paths.includes(needed), needed)
  }
  // 638 KB with lint, fleet, adopt and the importers (2026-12-04): the compiled tree and the bundled CLI chunks; libpg-query is a dependency, not packed.
  assert.ok(info.size < 750_000, `tarball is ${info.size} bytes`)
  // The README's figure (Use in a Node project) stays within 20 % of what npm pack makes.
  const stated = Number(/sqlmig-[\d.]+\.tgz, about (\d+) kB/.exec(readFileSync(join(REPO, 'README.md'), 'utf8'))?.[1])
  const kB = Math.round(info.size / 1000)
  assert.ok(Math.abs(stated - kB) <= kB * 0.2, `README.md says the tarball is about ${stated} kB; it is ${kB} kB: write "about ${Math.round(kB / 10) * 10} kB"`)
  console.log(`note: tarball ${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${paths.length} files`)
})

test('the tarball installs into a brand-new Node project (README "Use in a Node project")', async () => {
  assert.ok(tarball, 'packed')
  mkdirSync(app)
  ok(await sh(NPM, ['init', '-y'], app), 'npm init -y')
  ok(await sh(NPM, ['pkg', 'set', 'type=module'], app), 'npm pkg set type=module')
  ok(await sh(NPM, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app), 'npm install <tarball>')
  const init = await sh(NPX, ['sqlmig', 'init'], app)
  ok(init, 'npx sqlmig init')
  assert.match(init.stdout, 'created sqlmig.json')
  cpSync(join(REPO, 'migrations'), join(app, 'migrations'), { recursive: true })
})

test('npx sqlmig history, upgrade, current and downgrade -1 work and print what the repository CLI prints', async () => {
  const repo = exampleProject()
  try {
    ok(await runCli(['init'], repo.dir), 'sqlmig init')
    // PGlite starts in every command (seconds each on a busy machine): a short sequence.
    const commands = [['history'], ['upgrade'], ['history'], ['current', '--json'], ['downgrade', '-1', '--json']]
    const outputs: string[] = []
    for (const args of commands) {
      const [installed, here] = await Promise.all([sh(NPX, ['sqlmig', ...args], app), runCli(args, repo.dir)])
      const show = (r: CliRun, dir: string) => ({ code: r.code, stdout: normalize(r.stdout, dir), stderr: normalize(r.stderr, dir) })
      assert.equal(show(installed, app), show(here, repo.dir), `npx sqlmig ${args.join(' ')}`)
      outputs.push(installed.stdout)
    }
    assert.match(outputs[0]!, `  ${HEAD} (head)`)
    assert.match(outputs[1]!, `Upgraded to ${HEAD} (3 migrations in`)
    assert.match(outputs[2]!, `* ${HEAD} (head)`)
    assert.equal(JSON.parse(outputs[3]!), { current: [HEAD] })
  } finally {
    repo.cleanup()
  }
})

test('import { upgrade } from "sqlmig" type-checks with tsc and migrates at application start', async () => {
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: false,
          typeRoots: [join(REPO, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['app.ts'],
      },
      null,
      2,
    ),
  )
  writeFileSync(
    join(app, 'app.ts'),
    [
      `import { upgrade, type MigrateResult, SqlmigError } from 'sqlmig'`,
      ``,
      `const result: MigrateResult = await upgrade({ url: process.env.DATABASE_URL })`,
      `const applied: string[] = result.steps.map((s) => s.revision)`,
      `console.log(JSON.stringify({ to: result.to, applied, isError: new SqlmigError('INTERNAL', 'y') instanceof Error }))`,
      ``,
    ].join('\n'),
  )
  ok(await sh(process.execPath, [TSC, '-p', '.'], app), 'tsc')

  // The types are real: a wrong use is a compile error, not `any`.
  writeFileSync(join(app, 'wrong.ts'), `import { upgrade } from 'sqlmig'\nconst n: number = (await upgrade({ url: 'pglite:memory' })).to\nexport { n }\n`)
  writeFileSync(join(app, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', files: ['wrong.ts'] }))
  const bad = await sh(process.execPath, [TSC, '-p', 'tsconfig.wrong.json', '--noEmit'], app)
  assert.is.not(bad.code, 0, 'a wrong type must not compile')
  assert.match(bad.stdout, "wrong.ts(2,7): error TS2322: Type 'string[]' is not assignable to type 'number'", bad.stdout + bad.stderr)

  for (const kind of await targetKinds()) {
    const t = await newTarget(kind)
    try {
      const start = () => sh(process.execPath, ['app.js', 'history'], app, { DATABASE_URL: t.url })
      let r = await start()
      ok(r, `node app.js (${kind})`)
      assert.equal(JSON.parse(r.stdout), { to: [HEAD], applied: ALL, isError: true }, kind)
      r = await start()
      ok(r, `node app.js again (${kind})`)
      assert.equal(JSON.parse(r.stdout), { to: [HEAD], applied: [], isError: true }, kind)
    } finally {
      await t.cleanup()
    }
  }
})

test.run()
