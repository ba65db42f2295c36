/**
 * The first hour on the command line (issue 16), typed as a newcomer from Alembic, dbmate or
 * Flyway types it: bare `sqlmig`, a mistyped option or command, another tool's verbs, `create -m`,
 * the help of negated flags, running from a subfolder, .env. No database where none is needed;
 * the server where one is.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'

test('bare sqlmig: the help on stderr, exit 2; --help: the help on stdout, exit 0', async () => {
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

const history = migrationFiles(chain([
  { revision: 'fc0000000001', message: 'Create a', up: 'create table a (id int);', down: 'drop table a;' },
]))

test('from a subfolder: sqlmig.json is found upward; `current --dir .` there creates no database', async () => {
  const t = await scratchTarget()
  const p = tempProject({ ...history, 'sqlmig.json': JSON.stringify({ url: t.url }), 'app/src/.keep': '' })
  try {
    const sub = join(p.dir, 'app', 'src')
    const up = await runCli(['upgrade'], sub)
    assert.is(up.code, 0, up.stderr)
    assert.match(up.stderr, '(from sqlmig.json)')
    const cur = await runCli(['current'], sub)
    assert.match(cur.stdout, 'fc0000000001')
    const here = await runCli(['current', '--dir', '.', '--url', 'pglite:.sqlmig/pgdata'], sub)
    assert.is(here.code, 5)
    assert.match(here.stderr, 'Cannot find the migrations folder')
    assert.not.ok(existsSync(join(sub, '.sqlmig')), 'no embedded database created in the subfolder')
    const bare = tempProject({ 'sqlmig.json': '{}', 'sub/.keep': '' })
    try {
      const r = await runCli(['current', '--dir', '.'], join(bare.dir, 'sub'))
      assert.is(r.code, 5)
      assert.equal(readdirSync(join(bare.dir, 'sub')), ['.keep'])
      assert.not.ok(existsSync(join(bare.dir, '.sqlmig')))
    } finally {
      bare.cleanup()
    }
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('.env DATABASE_URL is read from the project folder, and a real DATABASE_URL wins over it', async () => {
  const t = await scratchTarget()
  const p = tempProject({ ...history, 'sqlmig.json': '{}', '.env': `# local\nDATABASE_URL="${t.url}"\n`, 'sub/.keep': '' })
  try {
    const r = await runCli(['current'], join(p.dir, 'sub'))
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, '(from DATABASE_URL in .env)')
    writeFileSync(join(p.dir, '.env'), 'DATABASE_URL=postgres://nobody@127.0.0.1:1/nothing\n')
    const env = await runCli(['current'], p.dir, { DATABASE_URL: t.url })
    assert.is(env.code, 0, env.stderr)
    assert.match(env.stderr, '(from DATABASE_URL)')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
