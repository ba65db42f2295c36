/**
 * What scripts and people rely on at the command line:
 *  - the connection password never appears in any output (every command, success and failure,
 *    text, --json, --sql, connection errors), and connection failures name host, port,
 *    database and the reason;
 *  - exit codes 0-5 each happen where documented (--help and README list them);
 *  - version table and schema names with quotes, spaces and mixed case work, and messages with
 *    quotes and non-ASCII text are stored and shown intact.
 */
import process from 'node:process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, history, upgrade } from '../../mod.ts'
import { lockKey } from '../../src/runner/lock.ts'
import { chain, migrationFiles, REPO, runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, newTarget, serverAvailable } from '../helpers/targets.ts'
import { connect, quoteIdent } from './helpers.ts'

const PASSWORD = 'S3cr3t-Pa55'
const ODD_PASSWORD = 'Sp3c!al@p#ss/w:rd'
// One role per process, dropped at the end: the server is shared by parallel runs, and tests leave nothing behind.
const ROLE = `sqlmig_secret_user_${process.pid}`

const MESSAGE = `It's "quoted" — naïve café ✓ 日本語`
const SPECS = chain([
  { revision: 'o0000000001', message: MESSAGE, up: 'create table a (id int);', down: 'drop table a;' },
  { revision: 'o0000000002', message: 'Second', up: 'create table b (id int);', down: 'drop table b;' },
])

if (await serverAvailable()) {
  test('the password never appears in any output; connection failures say host, port, database and why; exit codes 0-5', async () => {
    await adminExec(`do $$ begin create role ${ROLE} login password '${PASSWORD}'; exception when duplicate_object then null; end $$`)
    const t = await newTarget('postgres')
    const dbName = new URL(t.url).pathname.slice(1)
    await adminExec(`alter database "${dbName}" owner to ${ROLE}`)
    const secretUrl = new URL(t.url)
    secretUrl.username = ROLE
    secretUrl.password = PASSWORD
    const url = secretUrl.toString()
    const wrongPort = Object.assign(new URL(url), { port: '1' }).toString()
    const wrongDb = Object.assign(new URL(url), { pathname: '/sqlmig_no_such_db' }).toString()
    const oddUrl = Object.assign(new URL(url), { port: '1', password: encodeURIComponent(ODD_PASSWORD) }).toString()
    const mysqlUrl = `mysql://${ROLE}:${PASSWORD}@127.0.0.1/x`

    const good = tempProject(migrationFiles(SPECS))
    const bad = tempProject(migrationFiles([...SPECS, { revision: 'o0000000003', parents: ['o0000000002'], up: `select 'S3cr3t' || 1/0;`, down: 'select 1;' }]))
    const invalid = tempProject(migrationFiles(chain([{ revision: 'o0000000001', up: 'select 1;', down: 'select 1;', upHeader: '-- revison: typo' }])))
    const configured = tempProject({ ...migrationFiles(SPECS), 'sqlmig.json': JSON.stringify({ url }) })
    const empty = tempProject()
    const env = { DATABASE_URL: url }
    const holder = connect(t.url)
    const outputs: string[] = []
    const seen = new Set<number>()
    const run = async (args: string[], cwd: string, code: number, extraEnv: Record<string, string> = env) => {
      const r = await runCli(args, cwd, extraEnv)
      outputs.push(`${r.stdout}\n${r.stderr}`)
      assert.is(r.code, code, `sqlmig ${args.join(' ')} → ${r.code}\n${r.stdout}${r.stderr}`)
      seen.add(r.code)
      return r
    }
    try {
      await run(['init', '--url', url], empty.dir, 0, {})
      await run(['create', 'Another one', '--no-autogenerate'], empty.dir, 0)
      await run(['upgrade', '--sql'], good.dir, 0)
      await run(['current', '--check-pending'], good.dir, 3)
      await run(['upgrade', '+1'], good.dir, 0)
      await run(['upgrade', '--json'], good.dir, 0)
      await run(['upgrade'], configured.dir, 0, {})
      await run(['current'], good.dir, 0)
      await run(['current', '--json'], good.dir, 0)
      await run(['history'], good.dir, 0)
      await run(['history', '--json'], good.dir, 0)
      await run(['heads', '--json'], good.dir, 0)
      await run(['show', 'o0000000001'], good.dir, 0)
      await run(['downgrade', '-1', '--sql'], good.dir, 0)
      await run(['downgrade', '-1', '--json'], good.dir, 0)
      await run(['stamp', 'head', '--json'], good.dir, 0)
      await run(['upgrade', '--dry-run'], bad.dir, 1)
      const failed = await run(['upgrade'], bad.dir, 1)
      assert.ok(failed.stderr.includes('division by zero (22012)'), failed.stderr)
      await run(['upgrade', '--json'], bad.dir, 1)
      await run(['upgrade', '--verbose'], good.dir, 2)
      await run(['upgrade', 'no-such-revision'], good.dir, 2)
      await run(['current', '--url', mysqlUrl], good.dir, 2, {})
      await run(['upgrade'], invalid.dir, 5)
      await run(['upgrade', '--json'], invalid.dir, 5)

      // Connection failures: host, port, database and the reason; still no password.
      const port = await run(['current'], good.dir, 1, { DATABASE_URL: wrongPort })
      const refused = `error: Cannot connect to PostgreSQL at 127.0.0.1:1, database "${dbName}": connection refused (is the server running and listening there?)`
      assert.ok(port.stderr.includes(refused), port.stderr)
      const db = await run(['upgrade', '--json'], good.dir, 1, { DATABASE_URL: wrongDb })
      assert.is(JSON.parse(db.stdout).error.message, 'Cannot connect to PostgreSQL at 127.0.0.1:5432, database "sqlmig_no_such_db": database "sqlmig_no_such_db" does not exist')
      await run(['current'], good.dir, 1, { DATABASE_URL: wrongDb })
      await run(['upgrade', '--url', oddUrl], good.dir, 1, {})
      await run(['history', '--url', oddUrl, '--json'], good.dir, 1, {})

      // Exit 4: another session holds the migration lock.
      const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
      await holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${k1}::int4, ${k2}::int4)`
        await run(['downgrade', 'base', '--lock-timeout', '500ms'], good.dir, 4)
      })

      const all = outputs.join('\n')
      for (const secret of [PASSWORD, ODD_PASSWORD, encodeURIComponent(ODD_PASSWORD)]) {
        assert.not.ok(all.includes(secret), `the password ${secret} leaked:\n${all.split('\n').filter((l) => l.includes(secret)).join('\n')}`)
      }
      assert.match(all, `${ROLE}:***@`, 'URLs are shown with the password masked')
      assert.equal([...seen].sort(), [0, 1, 2, 3, 4, 5], 'every exit code was exercised')
    } finally {
      await holder.end()
      for (const p of [good, bad, invalid, configured, empty]) p.cleanup()
      await t.cleanup()
      await adminExec(`drop role if exists ${ROLE}`)
    }
  })

  test('postgres: a version schema and table named with quotes, spaces and mixed case; messages stored and shown intact', async () => {
    const t = await newTarget('postgres')
    const p = tempProject(migrationFiles(SPECS))
    const sql = connect(t.url)
    const names = ['--version-schema', 'My "Schema"', '--version-table', 'Version Table']
    try {
      const up = await runCli(['upgrade', '--url', t.url, ...names], p.dir)
      assert.is(up.code, 0, up.stderr)
      const rows = await sql.unsafe(`select revision, message from ${quoteIdent('My "Schema"')}.${quoteIdent('Version Table')} order by applied_order`)
      assert.equal(rows.map((r) => [r.revision, r.message]), [['o0000000001', MESSAGE], ['o0000000002', 'Second']])
      const hist = await runCli(['history', '--json', '--url', t.url, ...names], p.dir)
      assert.equal(JSON.parse(hist.stdout).revisions.map((r: { message: string; applied: boolean }) => [r.message, r.applied]), [['Second', true], [MESSAGE, true]])
      const down = await runCli(['downgrade', '-1', '--url', t.url, ...names], p.dir)
      assert.is(down.code, 0, down.stderr)
      const cur = await runCli(['current', '--url', t.url, ...names], p.dir)
      assert.match(cur.stdout, `o0000000001 ${MESSAGE}`)
      // Nothing landed in the default table.
      const stray = await sql`select 1 from pg_class where relname = 'sqlmig_version'`
      assert.is(stray.length, 0)
    } finally {
      await sql.end()
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('pglite: a version schema and table named with quotes, spaces and mixed case; messages stored and shown intact', async () => {
  const t = await newTarget('pglite')
  const p = tempProject(migrationFiles(SPECS))
  const names = { versionSchema: 'My "Schema"', versionTable: 'Version Table' }
  try {
    await upgrade({ url: t.url, cwd: p.dir, ...names })
    const cur = await current({ url: t.url, cwd: p.dir, ...names })
    assert.equal(cur.current, ['o0000000002'])
    const h = await history({ url: t.url, cwd: p.dir, ...names })
    assert.equal(h.revisions.map((r) => [r.message, r.applied]), [['Second', true], [MESSAGE, true]])
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('--help and the README document exit codes 0-5', async () => {
  const help = await runCli(['--help'], REPO)
  assert.is(help.code, 0)
  assert.match(help.stdout, '0 done or up to date, 1 a migration failed, 2 usage or configuration error,\n  3 pending migrations (current --check-pending), 4 lock timeout, 5 invalid migration files')
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  for (const code of [0, 1, 2, 3, 4, 5]) assert.match(readme, new RegExp(`\\n\\| ${code} \\| `))
})

test.run()
