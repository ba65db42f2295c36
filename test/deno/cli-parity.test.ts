/**
 * Every command through `deno run -A mod.ts` gives the same stdout, stderr, exit code and --json
 * as the built Node bin, on PGlite (the embedded default) and the server. Each runtime gets its
 * own project folder and database; timings, applied dates, revision ids made by `create`, the
 * folder and the database name are masked before comparing.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type CliRun, exampleProject, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, scratchTarget, type Target, targetKinds } from '../helpers/targets.ts'
import { normalize } from '../pack/normalize.ts'
import { denoAvailable, runDenoCli } from './deno.ts'

const HEAD = '3f2a9c1b7d4e'
const POSTS = '7c8d9e0f1a2b'
const USERS = '1a2b3c4d5e6f'

interface Side {
  dir: string
  url?: string
  env: Record<string, string>
}

async function compare(args: string[], node: Side, deno: Side, mask: (s: string) => string = (s) => s): Promise<CliRun> {
  const [n, d] = await Promise.all([runCli(args, node.dir, node.env), runDenoCli(args, deno.dir, deno.env)])
  const label = `sqlmig ${args.join(' ')}`
  const show = (r: CliRun, side: Side) => ({
    code: r.code,
    stdout: mask(normalize(r.stdout, side.dir, side.url)),
    stderr: mask(normalize(r.stderr, side.dir, side.url)),
  })
  assert.equal(show(d, deno), show(n, node), `${label}: Deno differs from Node`)
  return n
}

const hasDeno = denoAvailable()
const kinds = hasDeno ? await targetKinds() : []

for (const kind of kinds) {
  test(`${kind}: every command gives identical output, exit codes and --json on Node and Deno`, async () => {
    const projects = [exampleProject(), exampleProject()]
    const targets: Target[] = []
    try {
      const sides: Side[] = []
      for (const p of projects) {
        // PGlite: the project's embedded default; the server: DATABASE_URL, as users configure it.
        if (kind === 'pglite') {
          sides.push({ dir: p.dir, env: {} })
          continue
        }
        const t = await newTarget(kind)
        targets.push(t)
        sides.push({ dir: p.dir, url: t.url, env: { DATABASE_URL: t.url } })
      }
      const [node, deno] = sides as [Side, Side]
      const both = (...args: string[]) => compare(args, node, deno)

      // Every command runs on the server; PGlite (seconds per start) runs the database path that
      // differs on it (embedded default, WASM under Deno) and leaves the rest to the server run.
      const full = kind === 'postgres'
      if (full) {
        assert.match((await both('--help')).stdout, 'Usage:')
        assert.match((await both('--version')).stdout, 'sqlmig/')
        assert.is((await both('upgrade', '--help')).code, 0)
        await both('heads', '--json')
        await both('show', POSTS)
        await both('show', POSTS, '--json')
        assert.match((await both('upgrade', '--sql', '--from', 'base')).stdout, 'BEGIN')
        assert.is((await both('frobnicate')).code, 2)
        assert.is((await both('upgrade', '--no-such-option')).code, 2)
      }
      assert.match((await both('history')).stdout, `${HEAD} (head)`)
      assert.equal(JSON.parse((await both('current', '--json')).stdout), { current: [] })
      if (full) {
        assert.is((await both('current', '--check-pending')).code, 3)
        assert.is((await both('upgrade', '--dry-run')).code, 0)
        assert.is((await both('upgrade', '+1', '--json')).code, 0)
      }
      assert.match((await both('upgrade')).stdout, `Upgraded to ${HEAD}`)
      if (full) assert.match((await both('upgrade')).stdout, `Already up to date at ${HEAD}`)
      assert.match((await both('current')).stdout, HEAD)
      if (full) {
        assert.equal(JSON.parse((await both('current', '--json')).stdout), { current: [HEAD] })
        await both('history', '--json')
      }
      assert.is((await both('downgrade', '-1')).code, 0)
      assert.equal(JSON.parse((await both('current', '--json')).stdout), { current: [POSTS] })
      if (full) {
        assert.is((await both('downgrade', '-1', '--json')).code, 0)
        assert.match((await both('downgrade', 'base', '--sql')).stdout, 'BEGIN')
        // Stamped at head without the SQL: undoing the last revision fails and rolls back (exit 1).
        assert.is((await both('stamp', 'head')).code, 0)
        assert.is((await both('downgrade', 'base')).code, 1)
        assert.is((await both('stamp', USERS)).code, 0)
        assert.is((await both('downgrade', 'base', '--json')).code, 0)
        assert.equal(JSON.parse((await both('current', '--json')).stdout), { current: [] })
        // Errors: text, --json and exit codes.
        assert.is((await both('upgrade', 'nope', '--json')).code, 2)
        assert.is((await both('downgrade', '-5')).code, 2)
      } else {
        assert.is((await both('downgrade', 'base', '--json')).code, 0)
      }
    } finally {
      for (const t of targets) await t.cleanup()
      for (const p of projects) p.cleanup()
    }
  })
}

if (hasDeno) {
  test('init and create give identical files and output on Node and Deno', async () => {
    const projects = [tempProject(), tempProject()]
    // The created files are applied to scratch databases (the server when there is one): the
    // embedded default under both runtimes is the subject of the PGlite test above.
    const targets = [await scratchTarget(), await scratchTarget()]
    try {
      const [node, deno] = projects.map((p) => ({ dir: p.dir, env: {} })) as [Side, Side]
      const withDb = (side: Side, t: Target): Side => ({ dir: side.dir, url: t.url, env: { DATABASE_URL: t.url } })
      const [nodeDb, denoDb] = [withDb(node, targets[0]!), withDb(deno, targets[1]!)]
      // Revision ids and creation times are random / the clock: mask them.
      const ids = (s: string) => s.replace(/\d{14}_/g, '<stamp>_').replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\dZ/g, '<created>').replace(/[0-9a-f]{12}/g, '<rev>')
      const both = (...args: string[]) => compare(args, node, deno, ids)
      const bothDb = (...args: string[]) => compare(args, nodeDb, denoDb, ids)
      assert.is((await both('init')).code, 0)
      assert.is((await both('init', '--json')).code, 0)
      assert.is((await both('create', 'Add users table', '--no-autogenerate')).code, 0)
      assert.is((await both('create', 'Add posts', '--no-autogenerate', '--json')).code, 0)
      await both('heads')
      await bothDb('history')
      assert.is((await bothDb('upgrade')).code, 0)
      assert.equal(JSON.parse((await bothDb('current', '--json')).stdout).current.length, 1)
      // Sorted after masking: two files created in the same second would otherwise be ordered by their random ids.
      const files = (dir: string) =>
        readdirSync(join(dir, 'migrations', 'versions')).map((n) => ids(`${n}\n${readFileSync(join(dir, 'migrations', 'versions', n), 'utf8')}`)).sort()
      assert.equal(files(deno.dir), files(node.dir))
      assert.is(files(node.dir).length, 4)
      assert.is(readFileSync(join(deno.dir, 'sqlmig.json'), 'utf8'), readFileSync(join(node.dir, 'sqlmig.json'), 'utf8'))
    } finally {
      for (const t of targets) await t.cleanup()
      for (const p of projects) p.cleanup()
    }
  })
}

test.run()
