/**
 * Issue 16, the state a newcomer can get wrong, typed as a user types it: an applied file edited
 * afterwards (current/history mark it, --allow-changed names it, repair records it), flags that
 * read the next word, and the run messages. On the server when there is one; PGlite where the
 * item is PGlite's (first-hour-state-pglite.test.ts).
 */
import { appendFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import postgres from 'postgres'
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
    const stamped = JSON.parse((await s.cli('stamp', 'head', '--json')).stdout)
    assert.equal(stamped.steps.map((x: Record<string, unknown>) => [x.revision, x.direction, x.stamped]), [['fs0000000002', 'up', true]])
    assert.is((await s.cli('stamp', 'fs0000000001')).code, 0)
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

test('rehearse reads row counts that are not stale: a small table counted, a large one ANALYZEd on the copy, and says which', async () => {
  const rows = migrationFiles(chain([
    { revision: 'rc0000000001', message: 'tables', up: "create table small (id int) with (autovacuum_enabled = false);\ninsert into small select generate_series(1, 10);\ncreate table large (id int, pad text) with (autovacuum_enabled = false);\ninsert into large select g, repeat('x', 100) from generate_series(1, 10) g;\nanalyze small, large;", down: 'drop table small, large;' },
    { revision: 'rc0000000002', message: 'rewrite both', up: 'alter table small add column r float8 default random();\nalter table large add column r float8 default random();', down: 'alter table small drop column r;\nalter table large drop column r;' },
  ]))
  const p = tempProject(rows)
  const t = await scratchTarget()
  try {
    assert.is((await runCli(['upgrade', 'rc0000000001', '--url', t.url], p.dir)).code, 0)
    // Rows added after the last ANALYZE (autovacuum off): reltuples still says 10.
    const db = postgres(t.url, { max: 1, onnotice: () => {} })
    await db.unsafe("insert into small select generate_series(11, 5000); insert into large select g, repeat('x', 100) from generate_series(11, 80000) g")
    await db.end()
    const r = await runCli(['rehearse', '--url', t.url, '--no-downgrade', '--json'], p.dir)
    assert.is(r.code, 0, r.stderr)
    const [m] = JSON.parse(r.stdout).migrations
    const byTable = Object.fromEntries(m.rewritten.map((w: { table: string; rows: number; rows_from: string }) => [w.table, w]))
    assert.is(byTable['public.small'].rows, 5000)
    assert.is(byTable['public.small'].rows_from, 'count')
    assert.is(byTable['public.large'].rows_from, 'analyze')
    assert.ok(Math.abs(byTable['public.large'].rows - 80000) < 4000, String(byTable['public.large'].rows))
    const text = await runCli(['rehearse', '--url', t.url, '--no-downgrade'], p.dir)
    assert.is(text.code, 0, text.stderr)
    assert.match(text.stdout, /rewritten  public\.large \(~\d+ rows, estimated by ANALYZE, \d+\.\d MB\)\n\s+public\.small \(5000 rows, /)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('a non-empty database without a version table: current says untracked, not "base", and names stamp, a baseline and the flags', async () => {
  const p = tempProject(files)
  const t = await scratchTarget()
  try {
    const db = postgres(t.url, { max: 1, onnotice: () => {} })
    await db.unsafe('create table users (id int)')
    await db.end()
    const cur = await runCli(['current', '--url', t.url], p.dir)
    assert.is(cur.code, 0, cur.stderr)
    assert.is(cur.stdout, 'untracked: the database has 1 table but no version table (see the warning on stderr)\n')
    assert.not.match(cur.stdout + cur.stderr, 'pending')
    assert.match(cur.stderr, 'hint: A version table under another name? pass --version-table <name> (and --version-schema); if the schema already matches a revision, record it without running SQL: "sqlmig stamp <revision>"; to run the migrations on it anyway: --allow-untracked; to start from the existing schema: write a baseline migration of it (pg_dump --schema-only) and record it with "sqlmig stamp <revision>"\n')
    const up = await runCli(['upgrade', '--url', t.url], p.dir)
    assert.is(up.code, 1)
    assert.match(up.stderr, 'error: Cannot upgrade: the database holds 1 table (public.users) but no version table public.sqlmig_version')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('messages say what happened: a failed transaction: false down is still recorded as applied; a failed --dry-run --transaction per-migration leaves nothing', async () => {
  const specs = migrationFiles(chain([
    { revision: 'ms0000000001', message: 'ok', up: 'create table a (id int);', down: 'drop table a;' },
    { revision: 'ms0000000002', message: 'outside', upHeader: '-- transaction: false', up: 'create table b (id int);', downHeader: '-- transaction: false', down: 'drop table b;\ndrop table no_such_table;' },
    { revision: 'ms0000000003', message: 'fails', up: 'create table c (id int);\nselect 1/0;', down: 'drop table c;' },
  ]))
  const p = tempProject(specs)
  const t = await scratchTarget()
  const cli = (...args: string[]) => runCli([...args, '--url', t.url], p.dir)
  try {
    const dry = await cli('upgrade', 'ms0000000001', '--dry-run', '--transaction', 'per-migration')
    assert.is(dry.code, 0, dry.stderr)
    assert.is((await cli('upgrade', 'ms0000000002')).code, 0)
    const failing = await cli('upgrade', '--dry-run', '--transaction', 'per-migration')
    assert.is(failing.code, 1)
    assert.match(failing.stderr, 'Cannot apply revision "ms0000000003": division by zero (22012)')
    assert.match(failing.stderr, '  Dry run: everything was rolled back; nothing was applied\n')
    assert.not.match(failing.stderr, 'stay applied')
    assert.is((await cli('current')).stdout, 'ms0000000002 outside\n')
    const down = await cli('downgrade', 'ms0000000001')
    assert.is(down.code, 1)
    assert.match(down.stderr, 'Cannot undo revision "ms0000000002": table "no_such_table" does not exist (42P01)')
    assert.match(down.stderr, 'Revision "ms0000000002" ran outside a transaction: it is still recorded as applied, and the statements of its down that ran are NOT undone; finish or revert them by hand')
    assert.not.match(down.stderr, 'NOT recorded as applied')
    assert.is((await cli('current')).stdout, 'ms0000000002 outside\n')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
