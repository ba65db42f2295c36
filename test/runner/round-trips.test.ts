/**
 * What the round-trip savings must not change: a version-table write sent together with COMMIT
 * still takes its migration down with it when it fails, and an upgrade with nothing to do, which
 * reads the version table without the lock, still waits for the lock when something is pending.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { current, downgrade, SqlmigError, upgrade } from '../../mod.ts'
import { RevisionError } from '../../src/errors.ts'
import { openDatabase } from '../../src/db/open.ts'
import { lockKey } from '../../src/runner/lock.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { rejection } from '../helpers/rejection.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

const ABC = chain([
  { revision: 'aaaaaaaaaaa1', up: 'create table a (id int primary key);', down: 'drop table a;' },
  { revision: 'bbbbbbbbbbb2', up: 'create table b (id int primary key);\ninsert into b values (1);', down: 'drop table b;' },
  { revision: 'ccccccccccc3', up: 'create table c (id int);', down: 'drop table c;' },
])

async function tables(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    const rows = await db.query<{ t: string }>(`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' order by 1`)
    return rows.map((r) => r.t)
  } finally {
    await db.close()
  }
}

async function exec(url: string, sql: string): Promise<void> {
  const db = await openDatabase(url)
  try {
    await db.exec(sql)
  } finally {
    await db.close()
  }
}

const kinds = await targetKinds()

for (const kind of kinds) {
  for (const transaction of ['all', 'per-migration'] as const) {
    test(`${kind}, --transaction ${transaction}: a version-table write that fails rolls its migration back (the write and COMMIT go out together)`, async () => {
      const p = tempProject(migrationFiles(ABC))
      const t = await newTarget(kind)
      try {
        await upgrade({ url: t.url, cwd: p.dir, revision: 'aaaaaaaaaaa1' })
        // The row for b cannot be written: its INSERT fails after b's statements ran.
        await exec(t.url, `alter table sqlmig_version add constraint no_b check (revision <> 'bbbbbbbbbbb2')`)
        const e = await rejection(upgrade({ url: t.url, cwd: p.dir, transaction }))
        assert.instance(e, SqlmigError)
        assert.match((e as SqlmigError).message, /no_b/)
        // b's table went with its version row; nothing after it ran; a stays.
        assert.equal(await tables(t.url), ['a', 'sqlmig_version'])
        assert.equal((await current({ url: t.url, cwd: p.dir })).current, ['aaaaaaaaaaa1'])
        // Without the constraint the same run completes: the session was left clean.
        await exec(t.url, 'alter table sqlmig_version drop constraint no_b')
        const r = await upgrade({ url: t.url, cwd: p.dir, transaction })
        assert.equal(r.steps.map((s) => s.revision), ['bbbbbbbbbbb2', 'ccccccccccc3'])
        assert.equal(await tables(t.url), ['a', 'b', 'c', 'sqlmig_version'])
      } finally {
        p.cleanup()
        await t.cleanup()
      }
    })
  }
}

test('a target no file defines is refused before the database is opened (the embedded one is not even created)', async () => {
  const p = tempProject(migrationFiles(ABC))
  try {
    const url = `pglite:${join(p.dir, 'never')}`
    const up = await rejection(upgrade({ url, cwd: p.dir, revision: 'nope' }))
    assert.instance(up, RevisionError)
    assert.is((up as RevisionError).code, 'UNKNOWN_REVISION')
    const down = await rejection(downgrade({ url, cwd: p.dir, revision: 'aaaaaaaaaaa1+7' }))
    assert.instance(down, RevisionError)
    assert.is((down as RevisionError).code, 'RELATIVE_OUT_OF_RANGE')
    assert.not.ok(existsSync(join(p.dir, 'never')), 'no PGlite data directory was created')
  } finally {
    p.cleanup()
  }
})

if (kinds.includes('postgres')) {
  test('postgres: with nothing pending, upgrade() returns without waiting for a held lock; with something pending it waits', async () => {
    const p = tempProject(migrationFiles(ABC))
    const t = await newTarget('postgres')
    const holder = await openDatabase(t.url)
    try {
      await upgrade({ url: t.url, cwd: p.dir, revision: 'bbbbbbbbbbb2' })
      // Another run holds the migration lock (as while it applies a migration these files lack).
      const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
      await holder.exec(`select pg_advisory_lock(${k1}, ${k2})`)
      // Nothing to do up to b: answered from one read of the version table, no lock needed.
      const idle = await upgrade({ url: t.url, cwd: p.dir, revision: 'bbbbbbbbbbb2', lockTimeout: '1s' })
      assert.equal(idle.steps, [])
      assert.equal(idle.from, ['bbbbbbbbbbb2'])
      assert.equal(idle.to, ['bbbbbbbbbbb2'])
      // c is pending: that run must wait for the lock, and gives up after the timeout.
      const e = await rejection(upgrade({ url: t.url, cwd: p.dir, lockTimeout: '1s' }))
      assert.instance(e, SqlmigError)
      assert.is((e as SqlmigError).code, 'LOCK_TIMEOUT')
      assert.equal(await tables(t.url), ['a', 'b', 'sqlmig_version'])
      await holder.exec(`select pg_advisory_unlock(${k1}, ${k2})`)
      assert.equal((await upgrade({ url: t.url, cwd: p.dir, lockTimeout: '1s' })).steps.map((s) => s.revision), ['ccccccccccc3'])
    } finally {
      await holder.close()
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
