/**
 * `npx sqlmig` in a checkout keeps working across rebuilds (issue 13, case 9). npx links the
 * checkout's own bin (dist/src/cli/bin.js) once and runs the file it points at; a rebuild that
 * left the new bin.js without its execute bit made every later `npx sqlmig` fail with
 * "sh: 1: sqlmig: Permission denied" (exit 127), and `npm install` did not mend it. The build
 * script sets the mode; these tests rebuild a copy of the repository, as the quickstart's
 * `npm test` does, and type `npx sqlmig --version` before and after.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, REPO } from '../helpers/cli.ts'
import { type CliRun, run } from '../helpers/process.ts'

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const sh = (command: string, args: string[], cwd: string): Promise<CliRun> => run(command, args, cwd, { timeoutMs: 120_000, userShell: true })
const isExecutable = (path: string) => (statSync(path).mode & 0o111) === 0o111

const work = mkdtempSync(join(tmpdir(), 'sqlmig-bin-mode-'))
test.after(() => rmSync(work, { recursive: true, force: true }))

test('the build that npm test ran left the bin executable', () => {
  assert.ok(isExecutable(BIN), `${BIN} mode ${(statSync(BIN).mode & 0o777).toString(8)}`)
})

test('npx sqlmig --version works in a checkout, and still after npm run build', async () => {
  const copy = join(work, 'checkout')
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'mod.ts', 'src', 'test', 'bench', 'migrations']) {
    cpSync(join(REPO, entry), join(copy, entry), { recursive: true })
  }
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir')
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version
  for (const round of ['first build', 'rebuild']) {
    const build = await sh(NPM, ['run', 'build'], copy)
    assert.is(build.code, 0, `${round}: npm run build\n${build.stdout}\n${build.stderr}`)
    const bin = join(copy, 'dist', 'src', 'cli', 'bin.js')
    assert.ok(isExecutable(bin), `${round}: bin.js mode ${(statSync(bin).mode & 0o777).toString(8)}`)
    const r = await sh(NPX, ['--no-install', 'sqlmig', '--version'], copy)
    assert.is(r.code, 0, `${round}: npx sqlmig --version exited ${r.code}\n${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, `sqlmig/${version}`)
  }
})

test.run()
