/** `sqlmig backup` and `upgrade --backup` on the PostgreSQL server; pg_dump checks; no password on argv. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { copiesOf, fakeTools, realTool, snapshot, SPECS } from './fixture.ts'

const available = await serverAvailable()
const source = uniqueName('bk')
const url = serverUrlFor(source)
const project = tempProject(migrationFiles(SPECS))
const small = tempProject(migrationFiles(chain([
  { revision: 'sssssssssss1', up: 'create table t (id int primary key);\ninsert into t values (1), (2);', down: 'drop table t;' },
  { revision: 'sssssssssss2', up: 'alter table t add column note text;', down: 'alter table t drop column note;' },
])))
const created: string[] = []

async function newDatabase(prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  await adminExec(`create database "${name}"`)
  created.push(name)
  return name
}

test.before(async () => {
  if (!available) return
  await adminExec(`create database "${source}"`)
  created.push(source)
  const r = await runCli(['upgrade', 'aaaaaaaaaaa0', '--url', url], project.dir)
  assert.is(r.code, 0, r.stderr)
})

test.after(async () => {
  project.cleanup()
  small.cleanup()
  for (const name of created) await adminExec(`drop database if exists "${name}" with (force)`)
})

if (available) {
  test('backup writes <db>-<revision>-<UTC>.dump; pg_restore of it gives the same schema and rows; the printed command restores', async () => {
    const before = await snapshot(url)
    const r = await runCli(['backup', 'backups', '--url', url], project.dir)
    assert.is(r.code, 0, r.stderr)
    const files = readdirSync(join(project.dir, 'backups'))
    assert.is(files.length, 1)
    assert.match(files[0]!, new RegExp(`^${source}-aaaaaaaaaaa0-\\d{14}\\.dump$`))
    const file = join('backups', files[0]!)
    assert.match(r.stdout, new RegExp(`^Backed up "${source}" at aaaaaaaaaaa0 to ${file} \\(\\d+\\.\\d [kM]B\\)\\nRestore with:\\n  pg_restore --clean --if-exists --dbname=postgresql://postgres@127\\.0\\.0\\.1:5432/${source} ${file}\\n$`))
    const target = await newDatabase('bk_restored')
    execFileSync(realTool('pg_restore'), ['--no-owner', `--dbname=${serverUrlFor(target)}`, join(project.dir, file)])
    assert.equal(await snapshot(serverUrlFor(target)), before)
    // Damage the source, then run the restore command exactly as printed.
    const postgres = (await import('postgres')).default(url, { max: 1, onnotice: () => {} })
    await postgres.unsafe('drop table small; delete from big where id > 500')
    await postgres.end()
    execFileSync('sh', ['-c', r.stdout.split('\n')[2]!.trim()], { cwd: project.dir })
    assert.equal(await snapshot(url), before)
  })

  test('backup --json', async () => {
    const r = await runCli(['backup', 'json-backups', '--url', url, '--json'], project.dir)
    assert.is(r.code, 0, r.stderr)
    const data = JSON.parse(r.stdout)
    assert.equal(Object.keys(data), ['file', 'bytes', 'database', 'revision', 'restore'])
    assert.is(data.database, source)
    assert.equal(data.revision, ['aaaaaaaaaaa0'])
    assert.ok(data.bytes > 100_000)
    assert.ok(existsSync(join(project.dir, data.file)))
  })

  test('upgrade --backup: nothing applied when the backup fails; a backup only when something is pending', async () => {
    const db = serverUrlFor(await newDatabase('bk_up'))
    const r0 = await runCli(['upgrade', 'sssssssssss1', '--url', db], small.dir)
    assert.is(r0.code, 0, r0.stderr)
    const failing = fakeTools(join(small.dir, 'failing-tools'), 'failing')
    const failed = await runCli(['upgrade', '--backup', 'backups', '--url', db], small.dir, { PATH: `${failing}:${process.env.PATH}` })
    assert.is(failed.code, 1)
    assert.match(failed.stderr, /Cannot back up database "bk_up_\w+": pg_dump exited with code 1\n.*pg_dump: error: simulated failure/)
    assert.equal(readdirSync(join(small.dir, 'backups')), [])
    assert.match((await runCli(['current', '--url', db], small.dir)).stdout, 'sssssssssss1')

    const ok = await runCli(['upgrade', '--backup', 'backups', '--url', db], small.dir)
    assert.is(ok.code, 0, ok.stderr)
    assert.match(ok.stderr, /Backed up to backups\/bk_up_\w+-sssssssssss1-\d{14}\.dump \(\d+(\.\d)? k?B\); restore with: pg_restore --clean/)
    assert.match(ok.stdout, 'Upgraded to sssssssssss2')
    assert.is(readdirSync(join(small.dir, 'backups')).length, 1)

    const none = await runCli(['upgrade', '--backup', 'backups-2', '--url', db, '--json'], small.dir)
    assert.is(none.code, 0, none.stderr)
    assert.equal(JSON.parse(none.stdout).steps, [])
    assert.not.ok(existsSync(join(small.dir, 'backups-2')))
  })

  test('pg_dump missing or older than the server: exit 2 naming the version needed; rehearse makes no copy', async () => {
    const empty = join(project.dir, 'no-tools')
    mkdirSync(empty, { recursive: true })
    const missing = await runCli(['backup', 'b', '--url', url], project.dir, { PATH: empty })
    assert.is(missing.code, 2)
    assert.match(missing.stderr, `error: Cannot back up database "${source}": pg_dump was not found on PATH (version 15 or newer is needed for this server)`)
    assert.match(missing.stderr, 'hint: Install the PostgreSQL 15 client tools or newer (e.g. "apt-get install postgresql-client-15" or "brew install postgresql@15") and put their bin directory first on PATH')
    const old = fakeTools(join(project.dir, 'old-tools'), 'old')
    const tooOld = await runCli(['backup', 'b', '--url', url], project.dir, { PATH: `${old}:${process.env.PATH}` })
    assert.is(tooOld.code, 2)
    assert.match(tooOld.stderr, `error: Cannot back up database "${source}": pg_dump is version 12 ("pg_dump (PostgreSQL) 12.22"), older than the server (PostgreSQL 15); version 15 or newer is needed`)
    const rehearse = await runCli(['rehearse', '--url', url, '--scratch-url', serverUrlFor('postgres')], project.dir, { PATH: `${old}:${process.env.PATH}` })
    assert.is(rehearse.code, 2)
    assert.match(rehearse.stderr, `Cannot copy database "${source}" for the rehearsal: pg_dump is version 12`)
    assert.equal(await copiesOf(serverUrlFor('postgres'), source), [])
  })

  test('the password reaches pg_dump through PGPASSWORD, never on its command line or in the output', async () => {
    const role = uniqueName('bk_role')
    const password = 'Sq1-backup-secret'
    await adminExec(`create role "${role}" login password '${password}'`)
    const sql = (await import('postgres')).default(url, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(`grant select on all tables in schema public to "${role}"; grant select on all sequences in schema public to "${role}"`)
      const tools = fakeTools(join(project.dir, 'logging-tools'), 'logging')
      const withPw = url.replace('postgres@', `${role}:${password}@`)
      const r = await runCli(['backup', 'pw-backups', '--url', withPw], project.dir, { PATH: `${tools}:${process.env.PATH}` })
      assert.is(r.code, 0, r.stderr)
      assert.not.match(r.stdout + r.stderr, password)
      assert.match(r.stdout, `--dbname=postgresql://${role}@127.0.0.1:5432/${source}`)
      const log = readFileSync(join(tools, 'argv.log'), 'utf8')
      assert.match(log, `pg_dump argv: --format=custom --file=pw-backups/${source}-aaaaaaaaaaa0-`)
      assert.match(log, 'pg_dump PGPASSWORD set: yes')
      assert.not.match(log, password)
    } finally {
      await sql.unsafe(`drop owned by "${role}"`)
      await sql.end()
      await adminExec(`drop role "${role}"`)
    }
  })
}

test.run()
