/**
 * Issue 16, the state a newcomer can get wrong, typed as a user types it: an applied file edited
 * afterwards (current/history mark it, --allow-changed names it, repair records it), flags that
 * read the next word, and the run messages. On the server when there is one; PGlite where the
 * item is PGlite's.
 */
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { run } from '../helpers/process.ts'
import { SERVER_URL, scratchTarget } from '../helpers/targets.ts'

const files = migrationFiles(chain([
  { revision: 'fs0000000001', message: 'Create a', up: 'create table a (id int);', down: 'drop table a;' },
  { revision: 'fs0000000002', message: 'Create b', up: 'create table b (id int);', down: 'drop table b;' },
]))
const FIRST = 'migrations/versions/0001_fs0000000001.up.sql'

/** A project with both revisions applied and the first up file edited afterwards. */
async function edited() {
  const p = tempProject(files)
  const t = await scratchTarget()
  const cli = (...args: string[]) => runCli([...args, '--url', t.url], p.dir)
  assert.is((await cli('upgrade')).code, 0)
  appendFileSync(join(p.dir, FIRST), '-- a comment added later\n')
  return { p, t, cli, cleanup: async () => (p.cleanup(), await t.cleanup()) }
}

test('current and history mark an applied file edited since it ran, and say what to do; --json says changed', async () => {
  const s = await edited()
  try {
    const warning = 'warning: an applied migration was edited after being applied:\n' +
      `  ${FIRST} (revision "fs0000000001")\n` +
      'hint: Restore the original file and put the change in a new migration, or, if the edit changes nothing that ran (a comment, formatting), record the new checksum: "sqlmig repair fs0000000001"'
    const cur = await s.cli('current')
    assert.is(cur.code, 0, cur.stderr)
    assert.is(cur.stdout, 'fs0000000002 (head) Create b\n')
    assert.match(cur.stderr, warning)
    const curJson = JSON.parse((await s.cli('current', '--json')).stdout)
    assert.equal(curJson.changed, [{ revision: 'fs0000000001', file: FIRST, changed: true }])
    const hist = await s.cli('history')
    assert.match(hist.stdout, '* fs0000000001 Create a ! changed since applied\n')
    assert.not.match(hist.stdout, 'Create b ! changed')
    assert.match(hist.stderr, warning)
    const histJson = JSON.parse((await s.cli('history', '--json')).stdout)
    assert.equal(histJson.revisions.map((r: { revision: string; changed: boolean }) => [r.revision, r.changed]), [['fs0000000002', false], ['fs0000000001', true]])
  } finally {
    await s.cleanup()
  }
})

test('--allow-changed runs, with a warning naming each edited file', async () => {
  const s = await edited()
  try {
    const refused = await s.cli('downgrade', '-1')
    assert.is(refused.code, 1)
    assert.match(refused.stderr, '--allow-changed if the edit is harmless, or, if the edit changes nothing that ran (a comment, formatting), record the new checksum: "sqlmig repair fs0000000001"')
    const r = await s.cli('downgrade', '-1', '--allow-changed')
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, `warning: --allow-changed: ${FIRST} (revision "fs0000000001") was edited after being applied; running anyway, its recorded checksum is kept`)
    const idle = await s.cli('downgrade', 'fs0000000001', '--allow-changed', '--json')
    assert.is(idle.code, 0, idle.stderr)
    assert.match(idle.stderr, 'warning: --allow-changed:')
    assert.not.match(idle.stdout, 'warning')
  } finally {
    await s.cleanup()
  }
})

test('repair records the new checksum (--dry-run first, --json), after which runs stop refusing; stamp --update-checksums is the same', async () => {
  const s = await edited()
  try {
    const dry = await s.cli('repair', '--dry-run', '--json')
    assert.is(dry.code, 0, dry.stderr)
    const d = JSON.parse(dry.stdout)
    assert.is(d.dry_run, true)
    assert.equal(d.repaired.map((x: Record<string, string>) => [x.revision, x.file]), [['fs0000000001', FIRST]])
    assert.match(d.repaired[0].old_checksum, /^[0-9a-f]{64}$/)
    assert.is.not(d.repaired[0].old_checksum, d.repaired[0].new_checksum)
    assert.match((await s.cli('current')).stderr, 'edited after being applied', 'the dry run wrote nothing')
    const text = await s.cli('repair')
    assert.is(text.code, 0, text.stderr)
    assert.match(text.stdout, `Recorded 1 checksum of edited files (no SQL was run):\n  ${FIRST} (revision "fs0000000001"): ${d.repaired[0].old_checksum.slice(0, 12)} -> ${d.repaired[0].new_checksum.slice(0, 12)}\n`)
    assert.not.match((await s.cli('current')).stderr, 'edited')
    assert.is((await s.cli('downgrade', 'base')).code, 0)
    assert.is((await s.cli('repair')).stdout, 'Nothing to repair: every applied migration file matches its recorded checksum\n')
    // The alias, and a named revision: --update-checksums before the revision, as a user types it.
    assert.is((await s.cli('upgrade')).code, 0)
    appendFileSync(join(s.p.dir, FIRST), '-- another\n')
    const alias = await s.cli('stamp', '--update-checksums', 'fs00000000')
    assert.is(alias.code, 2, alias.stderr) // an ambiguous prefix is refused, nothing written
    const named = await s.cli('stamp', '--update-checksums', 'fs0000000001', '--json')
    assert.is(named.code, 0, named.stderr)
    assert.equal(JSON.parse(named.stdout).repaired.map((x: { revision: string }) => x.revision), ['fs0000000001'])
    assert.is((await s.cli('downgrade', '-1')).code, 0, 'runs again without --allow-changed')
    const notApplied = await s.cli('repair', 'fs0000000002')
    assert.is(notApplied.code, 2)
    assert.match(notApplied.stderr, 'error: Cannot repair "fs0000000002": it is not applied, so no checksum is recorded for it\nhint: Run "sqlmig upgrade fs0000000002" to apply it')
  } finally {
    await s.cleanup()
  }
})

test('a dashed flag before a revision does not swallow it: stamp --dry-run head', async () => {
  const p = tempProject(files)
  const t = await scratchTarget()
  try {
    const r = await runCli(['stamp', '--dry-run', 'head', '--url', t.url], p.dir)
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, 'Dry run')
    assert.ok(readdirSync(p.dir).includes('migrations'))
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('an enum value added and used in one run: the error names the ADD VALUE migration and sqlmig\'s ways out', async () => {
  const enumFiles = migrationFiles(chain([
    { revision: 'en0000000001', message: 'mood', up: "create type mood as enum ('sad');\ncreate table p (m mood);", down: 'drop table p;\ndrop type mood;' },
    { revision: 'en0000000002', message: 'add happy', up: "alter type mood add value 'happy';", downHeader: '-- down: none', down: '' },
    { revision: 'en0000000003', message: 'use happy', up: "alter table p alter column m set default 'happy';", down: 'alter table p alter column m drop default;' },
  ]))
  const p = tempProject(enumFiles)
  const t = await scratchTarget()
  try {
    const r = await runCli(['upgrade', '--url', t.url], p.dir)
    assert.is(r.code, 1)
    assert.match(r.stderr, 'Cannot apply revision "en0000000003": unsafe use of new value "happy" of enum type mood (55P04)')
    assert.match(r.stderr, '\nhint: New enum values must be committed before they can be used: mark "en0000000002" (migrations/versions/0002_en0000000002.up.sql), which adds the value, "-- transaction: false", or run with a commit after each migration: "sqlmig upgrade --transaction per-migration"\n')
    // Adding and using the value in one file: only a later migration helps.
    const one = migrationFiles(chain([
      { revision: 'en0000000001', message: 'mood', up: "create type mood as enum ('sad');\ncreate table p (m mood);", down: 'drop table p;\ndrop type mood;' },
      { revision: 'en0000000002', message: 'add and use', up: "alter type mood add value 'happy';\nalter table p alter column m set default 'happy';", down: 'alter table p alter column m drop default;' },
    ]), 'other')
    const q = tempProject(one)
    try {
      const same = await runCli(['upgrade', '--url', t.url, '--dir', 'other'], q.dir)
      assert.is(same.code, 1)
      assert.match(same.stderr, 'hint: New enum values must be committed before they can be used: move what uses the value into a new migration after "en0000000002", and mark "en0000000002" (other/versions/0002_en0000000002.up.sql), which adds the value, "-- transaction: false"\n')
    } finally {
      q.cleanup()
    }
    const fixed = await runCli(['upgrade', '--transaction', 'per-migration', '--url', t.url], p.dir)
    assert.is(fixed.code, 0, fixed.stderr)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('pglite: the first initdb says so; upgrade --backup names the database first, then the backup, whose tar members are relative; slugs keep letters', async () => {
  const p = tempProject(files)
  try {
    const first = await runCli(['upgrade', 'fs0000000001'], p.dir)
    assert.is(first.code, 0, first.stderr)
    assert.equal(first.stderr.split('\n').slice(0, 2), [
      `Using database pglite:${p.dir}/.sqlmig/pgdata (the embedded default)`,
      `Creating the embedded database in ${p.dir}/.sqlmig/pgdata (PGlite's initdb, a few seconds the first time)`,
    ])
    const up = await runCli(['upgrade', '--backup', 'bk'], p.dir)
    assert.is(up.code, 0, up.stderr)
    const lines = up.stderr.trimEnd().split('\n')
    assert.is(lines[0], `Using database pglite:${p.dir}/.sqlmig/pgdata (the embedded default)`)
    assert.is(lines[1], 'Backing up "pgdata" into bk (its data directory as .tar.gz)')
    assert.match(lines[2]!, /^Backed up to bk\/pgdata-fs0000000001-\d{14}\.tar\.gz \(\d/)
    assert.is(lines[3], '[1/1] Applying fs0000000002: Create b')
    assert.is(up.stderr.split('Using database').length, 2, 'named once')
    assert.not.match(up.stderr, 'Creating the embedded database')
    const [archive] = readdirSync(join(p.dir, 'bk'))
    const listed = await run('tar', ['-tzvf', join('bk', archive!)], p.dir)
    assert.is(listed.code, 0, listed.stderr)
    assert.is(listed.stderr, '', 'no "Removing leading /"')
    const names = listed.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/).slice(5).join(' '))
    assert.ok(names.includes('PG_VERSION') && names.includes('base/1/112'), names.slice(0, 5).join(', '))
    assert.ok(names.every((n) => !n.startsWith('/')), names.find((n) => n.startsWith('/')))
    mkdirSync(join(p.dir, 'restored'))
    assert.is((await run('tar', ['-xzf', join('bk', archive!), '-C', 'restored'], p.dir)).code, 0)
    const restored = await runCli(['current', '--url', 'pglite:restored'], p.dir)
    assert.is(restored.stdout, 'fs0000000001 Create a\n', restored.stderr)
    const created = await runCli(['create', "l'été", '--no-autogenerate'], p.dir)
    assert.is(created.code, 0, created.stderr)
    assert.match(created.stdout, /_[0-9a-f]{12}_l_ete\.up\.sql\n/)
    const cyrillic = await runCli(['create', 'Добавить таблицу', '--no-autogenerate', '--json'], p.dir)
    assert.match(cyrillic.stdout, /_добавить_таблицу\.up\.sql"/)
  } finally {
    p.cleanup()
  }
})

test('check and create say what the shadow databases are for; nothing of it in --json', async () => {
  const p = tempProject({ ...files, 'migrations/schema.sql': 'create table a (id int);\ncreate table b (id int);\ncreate table c (id int);\n' })
  try {
    const shadow = SERVER_URL
    const r = await runCli(['check', '--shadow-url', shadow], p.dir)
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, `Building the 2 migrations and the declared schema on shadow databases on ${shadow} to compare them\n`)
    const json = await runCli(['check', '--shadow-url', shadow, '--json'], p.dir)
    assert.is(JSON.parse(json.stdout).ok, false)
    assert.not.match(json.stderr, 'Building')
  } finally {
    p.cleanup()
  }
})

test.run()
