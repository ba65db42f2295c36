/** Running migrations through the library: transactions, failures that point at text, timeouts. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, downgrade, history, MigrationFailedError, upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { InvalidMigrationError, RevisionError, StateError } from '../../src/errors.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { rejection as thrown } from '../helpers/rejection.ts'
import { newTarget, scratchTarget, targetKinds } from '../helpers/targets.ts'

async function relations(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    const rows = await db.query<{ t: string }>(`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind in ('r', 'i') order by 1`)
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

const THREE = chain([
  { revision: 'aaaaaaaaaaa1', up: 'create table a (id int primary key);', down: 'drop table a;' },
  { revision: 'bbbbbbbbbbb2', up: 'create table b (id int primary key);\ninsert into b values (1);', down: 'drop table b;' },
  { revision: 'ccccccccccc3', up: 'create table c (id int);\n\n  create table  a (id int);', down: 'drop table c;' },
])

for (const kind of await targetKinds()) {
  test(`${kind}: a failing statement rolls back the whole run and points at file:line:column`, async () => {
    const p = tempProject(migrationFiles(THREE))
    const t = await newTarget(kind)
    try {
      const e = await thrown(upgrade({ url: t.url, cwd: p.dir }))
      assert.instance(e, MigrationFailedError)
      const err = e as MigrationFailedError
      assert.is(err.message, 'Cannot apply revision "ccccccccccc3": relation "a" already exists (42P07)')
      assert.is(err.sqlState, '42P07')
      assert.match(err.location!.file, /0003_ccccccccccc3\.up\.sql$/)
      // header (4 lines) + blank line: the second statement is on line 8, "create" at column 3.
      assert.is(err.location!.line, 8)
      assert.is(err.location!.column, 3)
      assert.match(err.detail!, '  create table  a (id int);\n  ^')
      assert.match(err.detail!, 'All changes of this run were rolled back; the version table is unchanged')
      // Even the version table, created in the same transaction, is gone.
      assert.equal(await relations(t.url), [])
      assert.equal((await current({ url: t.url, cwd: p.dir })).current, [])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: --transaction per-migration keeps the migrations before the failure`, async () => {
    const p = tempProject(migrationFiles(THREE))
    const t = await newTarget(kind)
    try {
      const e = await thrown(upgrade({ url: t.url, cwd: p.dir, transaction: 'per-migration' }))
      assert.instance(e, MigrationFailedError)
      assert.match((e as Error & { detail: string }).detail, 'Revision "ccccccccccc3" was rolled back; earlier revisions stay applied')
      assert.equal((await current({ url: t.url, cwd: p.dir })).current, ['bbbbbbbbbbb2'])
      assert.equal(await relations(t.url), ['a', 'a_pkey', 'b', 'b_pkey', 'sqlmig_version', 'sqlmig_version_pkey'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: --dry-run runs and rolls back, reporting what would be applied`, async () => {
    const p = tempProject(migrationFiles(THREE.slice(0, 2)))
    const t = await newTarget(kind)
    try {
      const r = await upgrade({ url: t.url, cwd: p.dir, dryRun: true })
      assert.is(r.dryRun, true)
      assert.equal(r.steps.map((s) => s.revision), ['aaaaaaaaaaa1', 'bbbbbbbbbbb2'])
      assert.equal(r.to, ['bbbbbbbbbbb2'])
      assert.equal((await current({ url: t.url, cwd: p.dir })).current, [])
      assert.equal(await relations(t.url), [])
      // A dry-run downgrade reports where it would leave the database and leaves it where it was.
      await upgrade({ url: t.url, cwd: p.dir })
      const down = await downgrade({ url: t.url, cwd: p.dir, revision: 'aaaaaaaaaaa1', dryRun: true })
      assert.equal({ dryRun: down.dryRun, steps: down.steps.map((s) => s.revision), from: down.from, to: down.to }, { dryRun: true, steps: ['bbbbbbbbbbb2'], from: ['bbbbbbbbbbb2'], to: ['aaaaaaaaaaa1'] })
      assert.equal(await versionRows(t.url), ['aaaaaaaaaaa1', 'bbbbbbbbbbb2'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: the version table records parents, message, checksum, applied_by, execution time and order`, async () => {
    const p = tempProject(migrationFiles(THREE.slice(0, 2)))
    const t = await newTarget(kind)
    try {
      await upgrade({ url: t.url, cwd: p.dir })
      const db = await openDatabase(t.url)
      try {
        const rows = await db.query<Record<string, unknown>>('select revision, down_revision, message, checksum, applied_by, execution_ms, applied_order::int as o, applied_at from sqlmig_version order by applied_order')
        assert.is(rows.length, 2)
        assert.equal(rows.map((r) => r.revision), ['aaaaaaaaaaa1', 'bbbbbbbbbbb2'])
        assert.equal(rows[1]!.down_revision, ['aaaaaaaaaaa1'])
        assert.equal(rows[0]!.down_revision, [])
        assert.is(rows[1]!.message, 'bbbbbbbbbbb2')
        assert.match(String(rows[0]!.checksum), /^[0-9a-f]{64}$/)
        assert.is(rows[0]!.applied_by, 'postgres')
        assert.ok(Number(rows[0]!.execution_ms) >= 0)
        assert.equal(rows.map((r) => Number(r.o)), [1, 2])
        assert.instance(rows[0]!.applied_at, Date)
      } finally {
        await db.close()
      }
      const h = await history({ url: t.url, cwd: p.dir })
      assert.equal(h.revisions.map((r) => r.applied), [true, true])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: transaction: false runs CREATE INDEX CONCURRENTLY outside a transaction`, async () => {
    const specs = chain([
      { revision: 'aaaaaaaaaaa1', up: 'create table a (id int, v text);', down: 'drop table a;' },
      { revision: 'bbbbbbbbbbb2', upHeader: '-- transaction: false\n', downHeader: '-- transaction: false\n', up: 'create index concurrently a_v_idx on a (v);', down: 'drop index concurrently a_v_idx;' },
      { revision: 'ccccccccccc3', up: 'create table c (id int);', down: 'drop table c;' },
    ])
    const p = tempProject(migrationFiles(specs))
    const t = await newTarget(kind)
    try {
      const r = await upgrade({ url: t.url, cwd: p.dir })
      assert.equal(r.steps.map((s) => s.revision), ['aaaaaaaaaaa1', 'bbbbbbbbbbb2', 'ccccccccccc3'])
      assert.ok((await relations(t.url)).includes('a_v_idx'))
      // Down past the transaction: false one to a revision: the result, current and the version table agree.
      const back = await downgrade({ url: t.url, cwd: p.dir, revision: 'aaaaaaaaaaa1' })
      assert.equal({ steps: back.steps.map((s) => s.revision), from: back.from, to: back.to }, { steps: ['ccccccccccc3', 'bbbbbbbbbbb2'], from: ['ccccccccccc3'], to: ['aaaaaaaaaaa1'] })
      assert.equal((await current({ url: t.url, cwd: p.dir })).current, ['aaaaaaaaaaa1'])
      assert.equal(await versionRows(t.url), ['aaaaaaaaaaa1'])
      assert.not.ok((await relations(t.url)).includes('a_v_idx'))
      const all = await downgrade({ url: t.url, cwd: p.dir, revision: 'base' })
      assert.equal({ from: all.from, to: all.to }, { from: ['aaaaaaaaaaa1'], to: [] })
      assert.equal(await versionRows(t.url), [])
      assert.equal(await relations(t.url), ['sqlmig_version', 'sqlmig_version_pkey'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: a failing transaction: false migration lists what ran and is not recorded`, async () => {
    const specs = chain([
      { revision: 'aaaaaaaaaaa1', upHeader: '-- transaction: false\n', up: 'create table a (id int);\ncreate table b (id int);\ncreate table a (id int);\ncreate table d (id int);', down: 'drop table a;' },
    ])
    const p = tempProject(migrationFiles(specs))
    const t = await newTarget(kind)
    try {
      const e = await thrown(upgrade({ url: t.url, cwd: p.dir })) as MigrationFailedError
      assert.instance(e, MigrationFailedError)
      assert.match(e.detail!, 'Statements that ran and stay applied (2):\n  line 7: create table a (id int)\n  line 8: create table b (id int)')
      assert.match(e.detail!, 'Statement that failed: line 9: create table a (id int)')
      assert.match(e.detail!, 'Statements not run (1):\n  line 10: create table d (id int)')
      assert.match(e.detail!, 'it is NOT recorded as applied')
      assert.equal((await current({ url: t.url, cwd: p.dir })).current, [])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  // PGlite runs single-threaded in WASM and has no timer interrupts: timeouts apply on a server only.
  if (kind === 'postgres') test(`${kind}: statement_timeout from a migration header is applied with SET LOCAL`, async () => {
    const specs = chain([
      { revision: 'aaaaaaaaaaa1', upHeader: '-- statement_timeout: 50ms\n', up: 'select pg_sleep(2);', down: '' },
    ])
    const p = tempProject(migrationFiles(specs))
    const t = await newTarget(kind)
    try {
      const e = await thrown(upgrade({ url: t.url, cwd: p.dir })) as MigrationFailedError
      assert.instance(e, MigrationFailedError)
      assert.is(e.sqlState, '57014')
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test('invalid files stop everything: unknown key, missing down file, duplicate revision, missing parent, cycle', async () => {
  const base = migrationFiles(chain([
    { revision: 'aaaaaaaaaaa1', up: 'select 1;', down: 'select 1;' },
    { revision: 'bbbbbbbbbbb2', up: 'select 1;', down: 'select 1;' },
  ]))
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['unknown key', { ...base, 'migrations/versions/0001_aaaaaaaaaaa1.up.sql': '-- revision: aaaaaaaaaaa1\n-- down_revison: none\nselect 1;\n' }, /0001_aaaaaaaaaaa1\.up\.sql:2:1: Unknown header key "down_revison"/],
    ['missing down', { 'migrations/versions/x.up.sql': '-- revision: abc\n-- down_revision: none\n' }, /x\.up\.sql:1:1: Revision "abc" has no down file/],
    ['duplicate', { ...base, 'migrations/versions/zz.up.sql': '-- revision: aaaaaaaaaaa1\n-- down_revision: none\n', 'migrations/versions/zz.down.sql': '-- revision: aaaaaaaaaaa1\n' }, /Revision "aaaaaaaaaaa1" is claimed by two up files/],
    ['missing parent', { ...base, 'migrations/versions/zz.up.sql': '-- revision: ccc\n-- down_revision: nope\n', 'migrations/versions/zz.down.sql': '-- revision: ccc\n' }, /zz\.up\.sql:2.*nope/],
    ['cycle', { 'migrations/versions/a.up.sql': '-- revision: a1\n-- down_revision: b1\n', 'migrations/versions/a.down.sql': '-- revision: a1\n', 'migrations/versions/b.up.sql': '-- revision: b1\n-- down_revision: a1\n', 'migrations/versions/b.down.sql': '-- revision: b1\n' }, /cycle/i],
  ]
  for (const [name, files, pattern] of cases) {
    const p = tempProject(files)
    try {
      const e = await thrown(upgrade({ url: 'pglite:memory', cwd: p.dir }))
      assert.instance(e, InvalidMigrationError, name)
      const err = e as InvalidMigrationError
      assert.is(err.exitCode, 5, name)
      assert.match(`${err.where}: ${err.message}\n${err.detail ?? ""}`, pattern, name)
      assert.ok(err.hint, `${name} has a hint`)
    } finally {
      p.cleanup()
    }
  }
})

test('upgrade refuses "head" when there are two heads, naming both', async () => {
  const p = tempProject(migrationFiles([
    { revision: 'aaaaaaaaaaa1', up: 'select 1;', down: '' },
    { revision: 'bbbbbbbbbbb2', parents: ['aaaaaaaaaaa1'], up: 'select 1;', down: '' },
    { revision: 'ccccccccccc3', parents: ['aaaaaaaaaaa1'], up: 'select 1;', down: '' },
  ]))
  // The refusal comes from the graph, whatever the database: a scratch one, the fastest to open.
  const t = await scratchTarget()
  try {
    const e = await thrown(upgrade({ url: t.url, cwd: p.dir })) as RevisionError
    assert.instance(e, RevisionError)
    assert.match(e.message, 'bbbbbbbbbbb2')
    assert.match(e.message, 'ccccccccccc3')
    assert.is(e.exitCode, 2)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test('an edited applied migration makes upgrade refuse unless allowChanged; layout edits are not edits', async () => {
  const specs = chain([{ revision: 'aaaaaaaaaaa1', up: 'create table a (id int);', down: 'drop table a;' }])
  const p = tempProject(migrationFiles(specs))
  const t = await newTarget('pglite')
  const { writeFileSync, readFileSync } = await import('node:fs')
  const path = `${p.dir}/migrations/versions/0001_aaaaaaaaaaa1.up.sql`
  try {
    await upgrade({ url: t.url, cwd: p.dir })
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '   \r\n') + '\r\n\r\n')
    assert.equal((await upgrade({ url: t.url, cwd: p.dir })).steps, [])
    writeFileSync(path, readFileSync(path, 'utf8').replace('id int', 'id bigint'))
    const e = await thrown(upgrade({ url: t.url, cwd: p.dir })) as StateError
    assert.instance(e, StateError)
    assert.is(e.code, 'CHANGED_MIGRATION')
    assert.match(e.detail!, '0001_aaaaaaaaaaa1.up.sql (revision "aaaaaaaaaaa1")')
    assert.equal((await upgrade({ url: t.url, cwd: p.dir, allowChanged: true })).steps, [])
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
