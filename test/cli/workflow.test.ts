/** The seed workflow exactly as a user types it, through the built CLI, on PGlite and the server. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { exampleProject, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, scratchTarget, serverAvailable, targetKinds } from '../helpers/targets.ts'

const HEAD = '3f2a9c1b7d4e'
const POSTS = '7c8d9e0f1a2b'
const USERS = '1a2b3c4d5e6f'

async function tables(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    const rows = await db.query<{ t: string }>(`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' order by 1`)
    return rows.map((r) => r.t)
  } finally {
    await db.close()
  }
}

/** The version table as SQL reads it: the recorded revisions, in applied order. */
async function versionRows(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    return (await db.query<{ revision: string }>('select revision from sqlmig_version order by applied_order')).map((r) => r.revision)
  } finally {
    await db.close()
  }
}

const json = (s: string) => JSON.parse(s)

test('init creates migrations/versions/, sqlmig.json and a .gitignore entry, and create writes a pair', async () => {
  const p = tempProject()
  try {
    const r = await runCli(['init'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.ok(existsSync(join(p.dir, 'migrations', 'versions')))
    assert.equal(json(readFileSync(join(p.dir, 'sqlmig.json'), 'utf8')), { url: 'pglite:.sqlmig/pgdata', dir: 'migrations' })
    assert.match(readFileSync(join(p.dir, '.gitignore'), 'utf8'), /^\.sqlmig\/$/m)
    const again = await runCli(['init'], p.dir)
    assert.is(again.code, 0)
    assert.is(readFileSync(join(p.dir, '.gitignore'), 'utf8').match(/\.sqlmig\//g)?.length, 1)

    const c = await runCli(['create', 'Add users table', '--no-autogenerate'], p.dir)
    assert.is(c.code, 0, c.stderr)
    const names = readdirSync(join(p.dir, 'migrations', 'versions')).sort()
    assert.is(names.length, 2)
    assert.match(names[0]!, /^\d{14}_[0-9a-f]{12}_add_users_table\.down\.sql$/)
    assert.match(names[1]!, /^\d{14}_[0-9a-f]{12}_add_users_table\.up\.sql$/)
    for (const n of names) assert.ok(c.stdout.includes(join('migrations', 'versions', n)), `prints ${n}`)
    const up = readFileSync(join(p.dir, 'migrations', 'versions', names[1]!), 'utf8')
    const id = /_([0-9a-f]{12})_/.exec(names[1]!)![1]
    assert.match(up, new RegExp(`^-- revision: ${id}\\n-- down_revision: none\\n-- message: Add users table\\n-- created: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n`))
    const second = await runCli(['create', 'Second', '--no-autogenerate', '--json'], p.dir)
    assert.is(second.code, 0, second.stderr)
    assert.equal(json(second.stdout).down_revision, [id])
    const h = await runCli(['heads', '--json'], p.dir)
    assert.equal(json(h.stdout), { heads: [json(second.stdout).revision] })
  } finally {
    p.cleanup()
  }
})

// Every step runs on the server; PGlite (a second or more per CLI start) runs the path that
// differs on it, the embedded default from its creation through upgrade, current, history and
// downgrade -1, and leaves the rest (target resolution, the same SQL) to the server run. Without
// a server, PGlite runs it all. Downgrades to a revision and to base on PGlite are also covered
// through the library (test/team/branches.test.ts, test/runner/run.test.ts).
const everythingOnPglite = !(await serverAvailable())

for (const kind of await targetKinds()) {
  const full = kind === 'postgres' || everythingOnPglite
  test(`${kind}: upgrade, current, history, downgrade -1${full ? ', downgrade <rev>, downgrade base' : ''} as typed${kind === 'pglite' ? ' (the embedded default)' : ''}`, async () => {
    const p = exampleProject()
    // PGlite: the embedded default of the project folder (created by the first command); server: DATABASE_URL.
    const t = kind === 'postgres' ? await newTarget(kind) : undefined
    const env: Record<string, string> = t ? { DATABASE_URL: t.url } : {}
    const url = t ? t.url : `pglite:${join(p.dir, '.sqlmig', 'pgdata')}`
    const cli = (...args: string[]) => runCli(args, p.dir, env)
    try {
      let r = await cli('current', '--json')
      assert.is(r.code, 0, r.stderr)
      assert.equal(json(r.stdout), { current: [] })

      r = await cli('upgrade')
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, `Upgraded to ${HEAD} (3 migrations in`)
      assert.match(r.stderr, kind === 'postgres' ? 'Using database postgres://' : 'Using database pglite:')
      assert.equal(await tables(url), ['posts', 'sqlmig_version', 'users'])

      r = await cli('upgrade')
      assert.is(r.code, 0)
      assert.match(r.stdout, `Already up to date at ${HEAD}`)

      r = await cli('current', '--json')
      assert.equal(json(r.stdout), { current: [HEAD] })
      r = await cli('current')
      assert.match(r.stdout, `${HEAD} (head) Keep posts.updated_at current`)

      r = await cli('history', '--json')
      const revs = json(r.stdout).revisions
      assert.equal(revs.map((x: { revision: string }) => x.revision), [HEAD, POSTS, USERS])
      assert.equal(revs[1].down_revision, [USERS])
      assert.equal(revs[2].down_revision, [])
      assert.is(revs[0].message, 'Keep posts.updated_at current')
      for (const x of revs) {
        assert.is(x.applied, true)
        assert.ok(!Number.isNaN(Date.parse(x.applied_at)), 'applied_at is an ISO date')
      }
      r = await cli('history')
      assert.match(r.stdout, `* ${HEAD} (head) Keep posts.updated_at current`)

      r = await cli('downgrade', '-1')
      assert.is(r.code, 0, r.stderr)
      // What the downgrade says it reached, what current prints and what the version table holds agree.
      assert.match(r.stdout, new RegExp(`^Downgraded to ${POSTS} \\(1 migration in [0-9.]+ m?s\\)\n$`))
      assert.equal(json((await cli('current', '--json')).stdout), { current: [POSTS] })
      assert.is((await cli('current')).stdout, `${POSTS} Create posts\n`)
      assert.equal(await versionRows(url), [USERS, POSTS])
      r = await cli('history')
      assert.match(r.stdout, `  ${HEAD} (head) Keep posts.updated_at current\n`)
      assert.match(r.stdout, `* ${POSTS} Create posts\n`)
      assert.match(r.stdout, `* ${USERS} Create users\n`)
      if (!full) return

      r = await cli('downgrade', USERS, '--json')
      assert.is(r.code, 0, r.stderr)
      assert.equal({ ...json(r.stdout), steps: undefined }, { from: [POSTS], to: [USERS], steps: undefined, dry_run: false, not_run: [] })
      assert.equal(json((await cli('current', '--json')).stdout), { current: [USERS] })
      assert.equal(await tables(url), ['sqlmig_version', 'users'])
      assert.equal(await versionRows(url), [USERS])

      r = await cli('upgrade', '--revision', HEAD)
      assert.is(r.code, 0, r.stderr)
      assert.equal(json((await cli('current', '--json')).stdout), { current: [HEAD] })
      r = await cli('history', '--json')
      assert.equal(json(r.stdout).revisions.map((x: { applied: boolean }) => x.applied), [true, true, true])

      r = await cli('downgrade', 'base', '--dry-run')
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'Dry run: 3 migrations would be undone (base afterwards); everything was rolled back')
      assert.equal(await versionRows(url), [USERS, POSTS, HEAD])
      r = await cli('downgrade', 'base')
      assert.is(r.code, 0, r.stderr)
      assert.match(r.stdout, 'Downgraded to base (3 migrations in')
      assert.equal(json((await cli('current', '--json')).stdout), { current: [] })
      assert.equal(await versionRows(url), [])
      assert.equal(await tables(url), ['sqlmig_version'])
      r = await cli('history', '--json')
      assert.equal(json(r.stdout).revisions.map((x: { applied_at: string | null }) => x.applied_at), [null, null, null])

      r = await cli('upgrade', '7c8d9e')
      assert.is(r.code, 0, r.stderr)
      assert.equal(json((await cli('current', '--json')).stdout), { current: [POSTS] })
      r = await cli('upgrade', '+1', '--json')
      assert.is(r.code, 0, r.stderr)
      assert.equal(json(r.stdout).to, [HEAD])
      r = await cli('upgrade', 'head')
      assert.match(r.stdout, 'Already up to date')
    } finally {
      p.cleanup()
      await t?.cleanup()
    }
  })

  test(`${kind}: stamp records without running, show prints the SQL, heads lists the head`, async () => {
    const p = exampleProject()
    const t = await newTarget(kind)
    const cli = (...args: string[]) => runCli([...args, '--url', t.url], p.dir)
    try {
      // show and heads read only the files: they run while the stamps run.
      const readOnly = Promise.all([cli('show', '3f2a'), cli('heads', '--json')])
      let r = await cli('stamp', POSTS)
      assert.is(r.code, 0, r.stderr)
      assert.equal(json((await cli('current', '--json')).stdout), { current: [POSTS] })
      assert.equal(await tables(t.url), ['sqlmig_version'])
      r = await cli('stamp', 'base')
      assert.is(r.code, 0, r.stderr)
      assert.equal(json((await cli('current', '--json')).stdout), { current: [] })
      const [show, heads] = await readOnly
      assert.is(show.code, 0, show.stderr)
      assert.match(show.stdout, 'Revision: 3f2a9c1b7d4e')
      assert.match(show.stdout, 'CREATE TRIGGER posts_touch_updated_at')
      assert.match(show.stdout, 'DROP FUNCTION touch_updated_at();')
      assert.equal(json(heads.stdout), { heads: [HEAD] })
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('usage errors exit 2: unknown command, unknown option, missing argument', async () => {
  const p = exampleProject()
  const t = await scratchTarget()
  try {
    // Independent of each other: started together.
    const [command, option, missing, revision] = await Promise.all([
      runCli(['frobnicate'], p.dir),
      runCli(['upgrade', '--frob', '--url', 'pglite:memory'], p.dir),
      runCli(['downgrade'], p.dir),
      runCli(['upgrade', 'zzzz', '--url', t.url], p.dir),
    ])
    assert.is(command.code, 2)
    assert.match(command.stderr, 'error: Unknown command "frobnicate"')
    assert.is(option.code, 2)
    assert.match(option.stderr, 'Unknown option "--frob"')
    assert.is(missing.code, 2)
    assert.is(revision.code, 2)
    assert.match(revision.stderr, 'zzzz')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('every command has --help with an example', async () => {
  const p = exampleProject()
  try {
    const commands = ['init', 'create', 'upgrade', 'downgrade', 'current', 'history', 'heads', 'show', 'stamp']
    const runs = await Promise.all([...commands.map((c) => runCli([c, '--help'], p.dir)), runCli(['--help'], p.dir)])
    for (const [i, c] of commands.entries()) {
      const r = runs[i]!
      assert.is(r.code, 0, c)
      assert.match(r.stdout, 'Examples:', c)
      assert.match(r.stdout, '--url', c)
    }
    assert.match(runs[commands.length]!.stdout, 'Exit codes')
  } finally {
    p.cleanup()
  }
})

test('upgrade --sql --from base prints the script without connecting', async () => {
  const p = exampleProject()
  try {
    const [r, part, down] = await Promise.all([
      runCli(['upgrade', '--sql', '--from', 'base', '--url', 'postgres://nobody:secret@127.0.0.1:1/none'], p.dir),
      runCli(['upgrade', '--sql', '--from', POSTS, '--url', 'postgres://nobody@127.0.0.1:1/none'], p.dir),
      runCli(['downgrade', USERS, '--sql', '--from', HEAD, '--url', 'postgres://nobody@127.0.0.1:1/none'], p.dir),
    ])
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /^BEGIN;$/m)
    assert.match(r.stdout, 'CREATE TABLE users')
    assert.match(r.stdout, `INSERT INTO "public"."sqlmig_version" (revision, down_revision, message, checksum) VALUES ('${HEAD}'`)
    assert.match(r.stdout, /^COMMIT;$/m)
    assert.not.match(part.stdout, 'CREATE TABLE users')
    assert.match(part.stdout, 'CREATE TRIGGER')
    assert.is(down.code, 0, down.stderr)
    assert.ok(down.stdout.indexOf('DROP TRIGGER') < down.stdout.indexOf('DROP TABLE posts'))
    assert.match(down.stdout, `DELETE FROM "public"."sqlmig_version" WHERE revision = '${POSTS}';`)
  } finally {
    p.cleanup()
  }
})

test.run()
