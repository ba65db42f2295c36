/**
 * The first hour on the command line (issue 16), typed as a newcomer from Alembic, dbmate or
 * Flyway types it: bare `sqlmig`, a mistyped option or command, another tool's verbs, `create -m`,
 * the help of negated flags, where the library looks for its migrations (running from a subfolder
 * and .env on the command line: test/cli/config.test.ts). No database where none is needed;
 * the server where one is.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'
import { current } from '../../mod.ts'

test('bare sqlmig: the help on stderr, exit 2; --help and help [command]: the help on stdout, exit 0', async () => {
  const p = tempProject()
  try {
    const bare = await runCli([], p.dir)
    assert.is(bare.code, 2)
    assert.is(bare.stdout, '')
    assert.match(bare.stderr, 'Usage:\n  $ sqlmig <command> [options]')
    assert.match(bare.stderr, '  upgrade [revision]')
    const help = await runCli(['--help'], p.dir)
    assert.is(help.code, 0)
    assert.match(help.stdout, '  upgrade [revision]')
    assert.is(help.stderr, '')
    const word = await runCli(['help'], p.dir)
    assert.is(word.code, 0)
    assert.is(word.stdout, help.stdout)
    const of = await runCli(['help', 'upgrade'], p.dir)
    assert.is(of.code, 0)
    assert.match(of.stdout, '$ sqlmig upgrade [revision]')
  } finally {
    p.cleanup()
  }
})

test('an unknown option is echoed as typed, with the closest option of that command', async () => {
  const p = tempProject()
  try {
    const r = await runCli(['upgrade', '--dry-rn'], p.dir)
    assert.is(r.code, 2)
    assert.is(r.stderr, 'error: Unknown option "--dry-rn"\nhint: Did you mean --dry-run? ("sqlmig upgrade --help" lists the options)\n')
    const eq = await runCli(['downgrade', '-1', '--lock-wiat=5s'], p.dir)
    assert.match(eq.stderr, 'error: Unknown option "--lock-wiat"\nhint: Did you mean --lock-wait?')
    const negated = await runCli(['create', 'x', '--no-transacton'], p.dir)
    assert.match(negated.stderr, 'error: Unknown option "--no-transacton"\nhint: Did you mean --no-transaction?')
    const far = await runCli(['current', '--zzz'], p.dir)
    assert.is(far.stderr, 'error: Unknown option "--zzz"\nhint: Run "sqlmig current --help" for its options\n')
  } finally {
    p.cleanup()
  }
})

test("another tool's verb names sqlmig's command (never runs it); a typo gets the closest command", async () => {
  const p = tempProject()
  try {
    const expected: Record<string, string> = {
      revision: 'sqlmig create -m "message"',
      new: 'sqlmig create "message"',
      status: 'sqlmig current',
      up: 'sqlmig upgrade',
      migrate: 'sqlmig upgrade',
      down: 'sqlmig downgrade -1',
    }
    for (const [verb, instead] of Object.entries(expected)) {
      const r = await runCli([verb], p.dir)
      assert.is(r.code, 2, verb)
      assert.is(r.stderr, `error: Unknown command "${verb}" (another tool's name)\nhint: In sqlmig that is: ${instead}\n`, verb)
    }
    const typo = await runCli(['upgarde'], p.dir)
    assert.is(typo.stderr, 'error: Unknown command "upgarde"\nhint: Did you mean "sqlmig upgrade"?\n')
    assert.equal(readdirSync(p.dir), [], 'nothing was created')
  } finally {
    p.cleanup()
  }
})

test('create -m "msg" as in Alembic; create without a message says so', async () => {
  const p = tempProject({ 'migrations/versions/.keep': '' })
  try {
    const r = await runCli(['create', '-m', 'Add users table'], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.ok(readdirSync(join(p.dir, 'migrations', 'versions')).some((f) => f.endsWith('_add_users_table.up.sql')))
    const none = await runCli(['create'], p.dir)
    assert.is(none.code, 2)
    assert.match(none.stderr, 'error: create needs a message')
  } finally {
    p.cleanup()
  }
})

test('negated flags read as what they do, without "(default: true)"', async () => {
  const p = tempProject()
  try {
    const create = await runCli(['create', '--help'], p.dir)
    assert.match(create.stdout, /--no-transaction +Run the migration outside a transaction/)
    assert.match(create.stdout, /--no-autogenerate +Write the empty template/)
    const rehearse = await runCli(['rehearse', '--help'], p.dir)
    for (const help of [create.stdout, rehearse.stdout]) {
      assert.not.match(help, '(default: true)')
      assert.not.match(help, / \n/, 'no trailing spaces')
    }
  } finally {
    p.cleanup()
  }
})

const one = (revision: string) => migrationFiles(chain([{ revision, message: revision, up: 'select 1;', down: 'select 1;' }]))

test('the library resolves dir against the cwd option, else the folder of sqlmig.json, else process.cwd()', async () => {
  const t = await scratchTarget()
  // Two projects: one with sqlmig.json and its migrations (root), one bare folder with its own.
  const root = tempProject({ ...one('aa0000000001'), 'sqlmig.json': '{}', 'app/src/.keep': '' })
  const bare = tempProject(one('bb0000000001'))
  const here = process.cwd()
  try {
    const pending = async (options: Parameters<typeof current>[0]) => (await current({ url: t.url, ...options })).pending
    // The cwd option: sqlmig.json found upward from it; a relative dir resolves against it.
    assert.equal(await pending({ cwd: join(root.dir, 'app', 'src') }), ['aa0000000001'])
    assert.equal(await pending({ cwd: bare.dir, dir: 'migrations' }), ['bb0000000001'])
    // No cwd option: the folder of the sqlmig.json found from process.cwd(), even from a subfolder.
    process.chdir(join(root.dir, 'app', 'src'))
    assert.equal(await pending({}), ['aa0000000001'])
    assert.equal(await pending({ dir: 'migrations' }), ['aa0000000001'])
    // No sqlmig.json: process.cwd().
    process.chdir(bare.dir)
    assert.equal(await pending({}), ['bb0000000001'])
  } finally {
    process.chdir(here)
    root.cleanup()
    bare.cleanup()
    await t.cleanup()
  }
})

test('scratchUrl in sqlmig.json is where rehearse copies a server database (a server that does not answer is named)', async () => {
  const t = await scratchTarget()
  const p = tempProject({ ...one('cc0000000001'), 'sqlmig.json': JSON.stringify({ url: t.url, scratchUrl: 'postgres://postgres@127.0.0.1:1/postgres', connectTimeout: 2 }) })
  try {
    const r = await runCli(['rehearse'], p.dir)
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, '127.0.0.1:1')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('headers: a comment like "-- NOTE: keep in sync" ends the header; a typo of a key ("-- transation: false") is refused with "did you mean"', async () => {
  const t = await scratchTarget()
  const note = migrationFiles(chain([{ revision: 'dd0000000001', up: 'create table n (id int);', upHeader: '-- NOTE: keep in sync with app/models.ts\n-- reverse: drop table n', down: 'drop table n;' }]))
  const typo = migrationFiles(chain([{ revision: 'dd0000000002', up: 'select 1;', upHeader: '-- transation: false', down: 'select 1;' }]))
  const ok = tempProject(note)
  const bad = tempProject(typo)
  try {
    const up = await runCli(['upgrade', '--url', t.url], ok.dir)
    assert.is(up.code, 0, up.stderr)
    const refused = await runCli(['upgrade', '--url', t.url], bad.dir)
    assert.is(refused.code, 5)
    assert.match(refused.stderr, 'migrations/versions/0001_dd0000000002.up.sql:5:1: Unknown header key "transation": did you mean "transaction"?\nhint: Write "-- transaction: false"')
  } finally {
    ok.cleanup()
    bad.cleanup()
    await t.cleanup()
  }
})

test.run()
