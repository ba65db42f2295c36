/**
 * sqlmig from a Deno project of the user's own (README "Deno"): the deno.json and main.ts blocks
 * of the README, copied into a new folder beside a copy of the library (what a clone holds, no
 * node_modules), run as the README says; the package layout `deno publish --dry-run` ships; the
 * one line without -A; deno.json's npm: imports against package.json's dependencies.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'
import { denoAvailable, MOD, runDeno } from './deno.ts'

/** The README's Deno section: its first json block and the ts block that imports the package. */
function readmeExample(): { denoJson: string; mainTs: string } {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Deno\n'), readme.indexOf('\n## ', readme.indexOf('\n## Deno\n') + 5))
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }))
  const denoJson = blocks.find((b) => b.lang === 'json')?.text
  const mainTs = blocks.find((b) => b.lang === 'ts' && b.text.includes("from '@sqlmig/sqlmig'"))?.text
  assert.ok(denoJson && mainTs, 'the README Deno section has the deno.json and main.ts blocks')
  return { denoJson: denoJson!, mainTs: mainTs! }
}

/** A fetch of the npm packages failed for want of a network (not sqlmig's fault). */
const offline = (stderr: string) => /error sending request|dns error|failed to lookup|Connection refused|network/i.test(stderr)

if (denoAvailable()) {
  test("the README's Deno example runs from a project of the user's own, beside a clone of sqlmig", async () => {
    const root = mkdtempSync(join(tmpdir(), 'sqlmig-deno-user-'))
    const t = await scratchTarget()
    try {
      const lib = join(root, 'sqlmig')
      mkdirSync(lib)
      for (const f of ['mod.ts', 'src', 'deno.json', 'package.json', 'README.md', 'LICENSE']) cpSync(join(REPO, f), join(lib, f), { recursive: true })
      const app = join(root, 'app')
      mkdirSync(app)
      cpSync(join(REPO, 'migrations'), join(app, 'migrations'), { recursive: true })
      const { denoJson, mainTs } = readmeExample()
      writeFileSync(join(app, 'deno.json'), denoJson)
      writeFileSync(join(app, 'main.ts'), mainTs)

      const start = await runDeno(['run', '-A', 'main.ts'], app, { DATABASE_URL: t.url })
      if (start.code !== 0 && offline(start.stderr)) {
        console.log(`skipping the user-project run: Deno cannot fetch the npm packages here (${start.stderr.split('\n')[0]})`)
        return
      }
      assert.is(start.code, 0, start.stderr)
      assert.not.match(start.stderr, /not a dependency|Warning/)
      const task = await runDeno(['task', '--quiet', 'sqlmig', 'current', '--json'], app, { DATABASE_URL: t.url })
      assert.is(task.code, 0, task.stderr)
      assert.equal(JSON.parse(task.stdout), { current: ['3f2a9c1b7d4e'] })
    } finally {
      rmSync(root, { recursive: true, force: true })
      await t.cleanup()
    }
  })

  test('deno publish --dry-run ships the library only: mod.ts, src/, README, LICENSE, deno.json', async () => {
    const r = await runDeno(['publish', '--dry-run', '--allow-dirty', '--allow-slow-types'], REPO)
    assert.is(r.code, 0, r.stderr)
    const files = [...(r.stdout + r.stderr).matchAll(/file:\/\/\S+/g)].map((m) => decodeURIComponent(m[0]).slice(`file://${REPO}/`.length))
    assert.ok(files.includes('mod.ts') && files.includes('src/cli/main.ts'), files.join('\n'))
    for (const f of files) assert.ok(/^(mod\.ts|deno\.json|README\.md|LICENSE|src\/.+\.ts)$/.test(f), `ships ${f}`)
  })

  test('without -A: exit 2 and one line naming the permissions, not a prompt or a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlmig-deno-perm-'))
    try {
      const none = await runDeno(['run', MOD, 'current'], dir)
      assert.is(none.code, 2)
      assert.is(
        none.stderr,
        'error: sqlmig needs Deno permissions it was not given: --allow-read --allow-write --allow-env --allow-net --allow-sys --allow-run (or run it with -A)\n',
      )
      const some = await runDeno(['run', '--allow-read', '--allow-env', '--allow-sys', MOD, 'current'], dir)
      assert.is(some.code, 2)
      assert.is(some.stderr, 'error: sqlmig needs Deno permissions it was not given: --allow-write --allow-net --allow-run (or run it with -A)\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

test("deno.json's imports are package.json's dependencies as npm: specifiers, same versions", () => {
  const deno = JSON.parse(readFileSync(join(REPO, 'deno.json'), 'utf8')) as { imports: Record<string, string> }
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const expected: Record<string, string> = {}
  for (const [name, version] of Object.entries(pkg.dependencies)) {
    expected[name] = `npm:${name}@${version}`
    if (name === '@electric-sql/pglite') expected[`${name}/`] = `npm:/${name}@${version}/`
  }
  assert.equal(deno.imports, expected)
})

test.run()
