/**
 * Issue 17, sqitch: the real sqitch (Debian's sqitch + libdbd-pg-perl, installed by .ci/run)
 * deploys a fixture project with dependencies, tags, a reworked change, a change without
 * dependencies and one with CREATE INDEX CONCURRENTLY; `sqlmig import . --from sqitch` +
 * `sqlmig upgrade` on a fresh database must give the same pg_dump schema, and the downs must
 * undo it as `sqitch revert` does. Then the plan's graph, the version names of a rework, and
 * every refusal with file:line, without a database.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { UnmappableSourceError } from '../../src/errors.ts'
import { runCli, tempProject } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { dumpSchema, rev, withTwoDatabases } from './helpers.ts'

const PLAN = `%syntax-version=1.0.0
%project=flipr
%uri=https://example.com/flipr/

appschema 2024-01-01T10:00:00Z Marge N. O'Vera <marge@example.com> # App schema
users [appschema] 2024-01-02T10:00:00Z Marge N. O'Vera <marge@example.com> # Creates table to track our users.
@v1.0 2024-01-02T11:00:00Z Marge N. O'Vera <marge@example.com> # Tag v1.0.

insert_user [users flipr:appschema] 2024-01-03T10:00:00Z Marge N. O'Vera <marge@example.com> # Creates a function to insert a user.
users_email_idx 2024-01-04T10:00:00Z Marge N. O'Vera <marge@example.com>
@v1.1 2024-01-05T10:00:00Z Marge N. O'Vera <marge@example.com> # v1.1
insert_user [insert_user@v1.1] 2024-01-06T10:00:00Z Marge N. O'Vera <marge@example.com> # Change insert_user to take an email.
`
const FN_V1 = `CREATE OR REPLACE FUNCTION flipr.insert_user(nickname text) RETURNS void LANGUAGE sql SECURITY DEFINER AS $$
    INSERT INTO flipr.users (nickname) VALUES ($1);
$$;`
const FN_V2 = `CREATE OR REPLACE FUNCTION flipr.insert_user(nickname text, email text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO flipr.users (nickname, email) VALUES (nickname, email); -- a ; in a body
END;
$$;`

const PROJECT: Record<string, string> = {
  'sqitch.conf': '[core]\n\tengine = pg\n\t# plan_file = sqitch.plan\n\t# top_dir = .\n',
  'sqitch.plan': PLAN,
  'deploy/appschema.sql': '-- Deploy flipr:appschema to pg\n\nBEGIN;\n\nCREATE SCHEMA flipr;\n\nCOMMIT;\n',
  'revert/appschema.sql': '-- Revert flipr:appschema from pg\n\nBEGIN;\n\nDROP SCHEMA flipr;\n\nCOMMIT;\n',
  'verify/appschema.sql': "SELECT pg_catalog.has_schema_privilege('flipr', 'usage');\n",
  'deploy/users.sql': '-- Deploy flipr:users to pg\n-- requires: appschema\n\nBEGIN;\n\nCREATE TABLE flipr.users (\n    nickname  TEXT        PRIMARY KEY,\n    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW()\n);\n\nCOMMIT;\n',
  'revert/users.sql': 'BEGIN;\nDROP TABLE flipr.users;\nCOMMIT;\n',
  'deploy/insert_user@v1.1.sql': `BEGIN;\n${FN_V1}\nCOMMIT;\n`,
  'revert/insert_user@v1.1.sql': 'BEGIN;\nDROP FUNCTION flipr.insert_user(TEXT);\nCOMMIT;\n',
  // No BEGIN/COMMIT: psql runs it in autocommit, as CONCURRENTLY needs.
  'deploy/users_email_idx.sql': 'ALTER TABLE flipr.users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON flipr.users (email);\n',
  'revert/users_email_idx.sql': 'DROP INDEX CONCURRENTLY flipr.users_email_idx;\nALTER TABLE flipr.users DROP COLUMN email;\n',
  'deploy/insert_user.sql': `-- Deploy flipr:insert_user to pg\n\nBEGIN;\n\nDROP FUNCTION flipr.insert_user(TEXT);\n${FN_V2}\n\nCOMMIT;\n`,
  'revert/insert_user.sql': `BEGIN;\nDROP FUNCTION flipr.insert_user(TEXT, TEXT);\n${FN_V1}\nCOMMIT;\n`,
}

const SQITCH_ENV = { ...process.env, SQITCH_USER_CONFIG: '/dev/null', SQITCH_SYSTEM_CONFIG: '/dev/null', SQITCH_CONFIG: 'sqitch.conf' }

function sqitch(args: string[], cwd: string): string {
  return execFileSync('sqitch', args, { cwd, env: SQITCH_ENV, encoding: 'utf8' })
}

const schema = (url: string) => dumpSchema(url, { excludeSchemas: ['sqitch'], excludeTables: ['sqlmig_version'] })

test('the real sqitch and "sqlmig import . --from sqitch" + "sqlmig upgrade" build the same schema; the downs undo it as "sqitch revert" does', async () => {
  if (!(await serverAvailable())) return
  const p = tempProject(PROJECT)
  try {
    await withTwoDatabases('sqlmig_sq', async (a, b) => {
      const target = (url: string) => url.replace(/^postgres(ql)?:\/\//, 'db:pg://')
      sqitch(['deploy', '--target', target(a)], p.dir)
      const imported = await runCli(['import', '.', '--from', 'sqitch'], p.dir)
      assert.is(imported.code, 0, imported.stderr)
      assert.match(imported.stdout, `deploy/insert_user.sql -> ${rev('sqitch', 'insert_user@v1.1')}`)
      assert.match(imported.stderr, 'skipped verify/appschema.sql')
      const up = await runCli(['upgrade', '--url', b], p.dir)
      assert.is(up.code, 0, up.stderr)
      const theirs = schema(a)
      assert.ok(theirs.includes('users_email_idx') && theirs.includes('insert_user(nickname text, email text)'), theirs)
      assert.fixture(schema(b), theirs)
      const heads = await runCli(['heads', '--url', b], p.dir)
      assert.match(heads.stdout, rev('sqitch', 'insert_user@v1.1'))
      // One step back: the rework's revert restores the first insert_user, on both sides.
      sqitch(['revert', '--target', target(a), '-y', '--to', '@HEAD^'], p.dir)
      assert.is((await runCli(['downgrade', '-1', '--url', b], p.dir)).code, 0)
      assert.fixture(schema(b), schema(a))
      sqitch(['revert', '--target', target(a), '-y'], p.dir)
      const base = await runCli(['downgrade', 'base', '--url', b], p.dir)
      assert.is(base.code, 0, base.stderr)
      assert.fixture(schema(b), schema(a))
    })
  } finally {
    p.cleanup()
  }
})

test('the plan becomes a graph: declared dependencies plus the change before in the plan; a rework is "name@tag"; bodies byte for byte; BEGIN/COMMIT and CONCURRENTLY files run outside a transaction', () => {
  const p = tempProject(PROJECT)
  try {
    const r = importHistory(p.dir, { from: 'sqitch', cwd: p.dir })
    const by = Object.fromEntries(r.imported.map((m) => [m.version, m]))
    const id = (v: string) => rev('sqitch', v)
    assert.equal(r.imported.map((m) => m.version), ['appschema', 'users', 'insert_user', 'users_email_idx', 'insert_user@v1.1'])
    assert.equal(by['appschema']!.down_revision, [])
    assert.equal(by['users']!.down_revision, [id('appschema')])
    assert.equal(by['insert_user']!.down_revision, [id('users'), id('appschema')])
    assert.equal(by['users_email_idx']!.down_revision, [id('insert_user')], 'no dependencies: the change before it in the plan')
    assert.equal(by['insert_user@v1.1']!.down_revision, [id('insert_user'), id('users_email_idx')])
    assert.is(by['users']!.message, 'Creates table to track our users.')
    assert.is(by['users_email_idx']!.message, 'users email idx', 'no note: the name')
    assert.is(by['users']!.created, '2024-01-02T10:00:00Z')
    assert.is(by['insert_user']!.source, join(p.dir, 'deploy', 'insert_user@v1.1.sql'), 'the earlier appearance is the @tag script')
    assert.is(by['insert_user@v1.1']!.source, join(p.dir, 'deploy', 'insert_user.sql'))
    for (const m of r.imported) {
      const src = readFileSync(m.source, 'utf8')
      assert.ok(readFileSync(m.up, 'utf8').endsWith(`\n\n${src}`), `${m.up} ends with the deploy script`)
    }
    assert.is(by['appschema']!.transaction, false)
    assert.match(by['appschema']!.transaction_reason!, 'BEGIN')
    assert.match(by['users_email_idx']!.transaction_reason!, 'CONCURRENTLY')
    assert.ok(r.skipped.some((s) => s.endsWith('verify/appschema.sql')))
  } finally {
    p.cleanup()
  }
})

test('a re-import after "sqitch rework" keeps every file written before and adds the new change; top_dir from sqitch.conf is read', () => {
  const files: Record<string, string> = {
    'sqitch.conf': '[core]\n\tengine = pg\n\ttop_dir = db\n',
    'db/sqitch.plan': '%project=x\na 2024-01-01T00:00:00Z M <m@x> # first\nb [a] 2024-01-02T00:00:00Z M <m@x>\n',
    'db/deploy/a.sql': 'CREATE TABLE a (id int);\n',
    'db/revert/a.sql': 'DROP TABLE a;\n',
    'db/deploy/b.sql': 'CREATE VIEW b AS SELECT 1 AS one;\n',
    'db/revert/b.sql': 'DROP VIEW b;\n',
  }
  const p = tempProject(files)
  try {
    const first = importHistory(p.dir, { from: 'sqitch', cwd: p.dir })
    assert.equal(first.imported.map((m) => m.version), ['a', 'b'])
    // What "sqitch tag v1 && sqitch rework b" leaves: the old scripts copied to b@v1, the plan extended.
    writeFileSync(join(p.dir, 'db/sqitch.plan'), `${files['db/sqitch.plan']}@v1 2024-01-03T00:00:00Z M <m@x>\nb [b@v1] 2024-01-04T00:00:00Z M <m@x> # b, reworked\n`)
    writeFileSync(join(p.dir, 'db/deploy/b@v1.sql'), files['db/deploy/b.sql']!)
    writeFileSync(join(p.dir, 'db/revert/b@v1.sql'), files['db/revert/b.sql']!)
    writeFileSync(join(p.dir, 'db/deploy/b.sql'), 'CREATE OR REPLACE VIEW b AS SELECT 1 AS one, 2 AS two;\n')
    writeFileSync(join(p.dir, 'db/revert/b.sql'), 'CREATE OR REPLACE VIEW b AS SELECT 1 AS one;\n')
    const again = importHistory(p.dir, { from: 'sqitch', cwd: p.dir })
    assert.equal(again.imported.map((m) => [m.version, m.status]), [['a', 'unchanged'], ['b', 'unchanged'], ['b@v1', 'written']])
    assert.equal(again.imported[2]!.down_revision, [rev('sqitch', 'b')])
    assert.is(again.written, 2)
  } finally {
    p.cleanup()
  }
})

function spotsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof UnmappableSourceError) return error.spots.map((s) => `${s.file.replace(/^.*\/proj\//, '')}:${s.line}: ${s.message}`)
    throw error
  }
  throw new Error('no error')
}

test('unmappable sqitch input is listed with file:line and nothing is written: cross-project and unknown dependencies, a conflict with an earlier change, psql meta-commands and variables, a missing deploy script, another engine', () => {
  const p = tempProject({
    'proj/sqitch.conf': '[core]\n  engine = pg\n',
    'proj/sqitch.plan': `%project=x
a 2024-01-01T00:00:00Z M <m@x>
b [other:thing] 2024-01-02T00:00:00Z M <m@x> # cross
c [!a] 2024-01-03T00:00:00Z M <m@x>
d [nope] 2024-01-04T00:00:00Z M <m@x>
e [f] 2024-01-05T00:00:00Z M <m@x>
f 2024-01-06T00:00:00Z M <m@x>
g 2024-01-07T00:00:00Z M <m@x>
`,
    'proj/deploy/a.sql': 'CREATE TABLE a (id int);\n',
    'proj/deploy/b.sql': 'SELECT 1;\n',
    'proj/deploy/c.sql': 'SELECT 1;\n\\i other.sql\n',
    'proj/deploy/d.sql': "SELECT 1::int, a[1:2] FROM x;\nSET search_path = :'schema';\n",
    'proj/deploy/e.sql': 'SELECT 1;\n',
    'proj/deploy/f.sql': 'SELECT 1;\n',
  })
  const dir = join(p.dir, 'proj')
  try {
    assert.equal(spotsOf(() => importHistory(dir, { from: 'sqitch', cwd: p.dir })).sort(), [
      'deploy/c.sql:2: psql meta-command "\\i" is not supported: a psql meta-command, which only psql runs (write it as SQL)',
      "deploy/d.sql:2: psql variable :'schema', which only psql fills in (write the value)",
      'sqitch.plan:3: "b" depends on "other:thing" in another sqitch project: sqlmig cannot check that another project\'s change is deployed (drop it from the plan or import that project first and merge)',
      'sqitch.plan:4: "c" conflicts with "a", which the plan deploys before it (line 2): sqitch cannot deploy this plan from scratch either',
      'sqitch.plan:5: "d" depends on "nope", which is no earlier change or tag in this plan',
      'sqitch.plan:6: "e" depends on "f", which comes later in the plan (sqitch refuses that too)',
      'sqitch.plan:8: no deploy script deploy/g.sql for change "g"',
    ])
    assert.not.ok(existsSync(join(p.dir, 'migrations')), 'nothing written')
    const mysql = tempProject({ 'sqitch.conf': '[core]\n\tengine = mysql\n', 'sqitch.plan': '%project=y\na 2024-01-01T00:00:00Z M <m@x>\n', 'deploy/a.sql': 'SELECT 1;\n' })
    try {
      assert.equal(spotsOf(() => importHistory(mysql.dir, { from: 'sqitch', cwd: mysql.dir })).map((s) => s.replace(/^.*sqitch\.conf/, 'sqitch.conf')), ['sqitch.conf:2: engine "mysql": sqlmig imports PostgreSQL (pg) projects only'])
    } finally {
      mysql.cleanup()
    }
  } finally {
    p.cleanup()
  }
})

test('a real-size sqitch history (400 changes, tags every 50, deps every 7th) imports in order and loads as one chain', async () => {
  const files: Record<string, string> = { 'sqitch.plan': '%syntax-version=1.0.0\n%project=big\n\n' }
  for (let i = 1; i <= 400; i++) {
    const deps = i % 7 === 0 ? ` [c${i - 5}]` : ''
    files['sqitch.plan'] += `c${i}${deps} 2024-01-01T00:00:00Z M <m@x> # change ${i}\n`
    if (i % 50 === 0) files['sqitch.plan'] += `@t${i} 2024-01-01T00:00:00Z M <m@x>\n`
    files[`deploy/c${i}.sql`] = `BEGIN;\nCREATE TABLE t${i} (id int);\nCOMMIT;\n`
    files[`revert/c${i}.sql`] = `DROP TABLE t${i};\n`
  }
  const p = tempProject(files)
  try {
    const started = Date.now()
    const r = importHistory(p.dir, { from: 'sqitch', cwd: p.dir })
    assert.is(r.imported.length, 400)
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`)
    const heads = await runCli(['heads'], p.dir)
    assert.is(heads.code, 0, heads.stderr)
    assert.match(heads.stdout, rev('sqitch', 'c400'))
    assert.is(heads.stdout.trim().split('\n').length, 1)
  } finally {
    p.cleanup()
  }
})

test.run()
