/**
 * Edited and diverging history: downgrades undo revisions in the exact reverse of the order
 * they were applied (two branches applied interleaved), and a database that has revisions no
 * file defines (files removed, or the database ahead of the checkout) is an error naming them.
 * (Checksum refusal and CRLF/whitespace normalisation are covered in test/runner/run.test.ts.)
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { downgrade, upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { StateError } from '../../src/errors.ts'
import { migrationFiles, type MigrationSpec, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'

const logged = (rev: string) => ({ up: `insert into event_log (what) values ('+${rev}');`, down: `insert into event_log (what) values ('-${rev}');` })

/** r0 ─┬─ a1 ─ a2 and r0 ─┬─ b1 ─ b2: two branches (two heads). */
const BRANCHES: MigrationSpec[] = [
  { revision: 'r0', parents: [], ...logged('r0') },
  { revision: 'a1', parents: ['r0'], ...logged('a1') },
  { revision: 'a2', parents: ['a1'], ...logged('a2') },
  { revision: 'b1', parents: ['r0'], ...logged('b1') },
  { revision: 'b2', parents: ['b1'], ...logged('b2') },
]

async function withDb<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(url)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** The version table as SQL reads it: the recorded revisions, in applied order. */
const versionRows = (url: string) => withDb(url, async (db) => (await db.query<{ revision: string }>('select revision from sqlmig_version order by applied_order')).map((r) => r.revision))
const events = (url: string) => withDb(url, async (db) => (await db.query<{ what: string }>('select what from event_log order by id')).map((r) => r.what))

for (const kind of await targetKinds()) {
  test(`${kind}: two branches applied interleaved are undone in the exact reverse of the applied order`, async () => {
    const p = tempProject(migrationFiles(BRANCHES))
    const t = await newTarget(kind)
    try {
      await withDb(t.url, (db) => db.exec('create table event_log (id int generated always as identity primary key, what text not null)'))
      // event_log exists before the first upgrade: an untracked database, upgraded on purpose.
      for (const rev of ['a1', 'b1', 'b2', 'a2']) await upgrade({ url: t.url, cwd: p.dir, revision: rev, allowUntracked: true })
      assert.equal(await events(t.url), ['+r0', '+a1', '+b1', '+b2', '+a2'])
      // With two current revisions -2 is ambiguous and undoes nothing; base undoes all in reverse applied order.
      const ambiguous = await downgrade({ url: t.url, cwd: p.dir, revision: '-2' }).catch((e) => e)
      assert.is(ambiguous.code, 'AMBIGUOUS_RELATIVE')
      assert.equal(await events(t.url), ['+r0', '+a1', '+b1', '+b2', '+a2'])
      // Down one branch first: the other stays current, in the result, in the version table.
      const one = await downgrade({ url: t.url, cwd: p.dir, revision: 'a1' })
      assert.equal({ steps: one.steps.map((s) => s.revision), from: one.from, to: one.to }, { steps: ['a2'], from: ['a2', 'b2'], to: ['a1', 'b2'] })
      assert.equal(await versionRows(t.url), ['r0', 'a1', 'b1', 'b2'])
      await upgrade({ url: t.url, cwd: p.dir, revision: 'a2' })
      assert.equal(await events(t.url), ['+r0', '+a1', '+b1', '+b2', '+a2', '-a2', '+a2'])
      const all = await downgrade({ url: t.url, cwd: p.dir, revision: 'base' })
      assert.equal(all.steps.map((s) => s.revision), ['a2', 'b2', 'b1', 'a1', 'r0'])
      assert.equal({ from: all.from, to: all.to }, { from: ['a2', 'b2'], to: [] })
      assert.equal(await versionRows(t.url), [])
      assert.equal(await events(t.url), ['+r0', '+a1', '+b1', '+b2', '+a2', '-a2', '+a2', '-a2', '-b2', '-b1', '-a1', '-r0'])
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: revisions applied that no file defines are named, exit 1 (database ahead of the files, a removed branch)`, async () => {
    const specs: MigrationSpec[] = [
      { revision: 'r0', parents: [], up: 'select 1;', down: 'select 1;' },
      { revision: 'r1', parents: ['r0'], up: 'select 1;', down: 'select 1;', message: 'Add "users" — für alle' },
      { revision: 'r2', parents: ['r1'], up: 'select 1;', down: 'select 1;', message: 'Ahead' },
      { revision: 'x1', parents: ['r0'], up: 'select 1;', down: 'select 1;', message: 'Side branch' },
    ]
    const full = tempProject(migrationFiles(specs))
    const t = await newTarget(kind)
    try {
      await upgrade({ url: t.url, cwd: full.dir, revision: 'heads' })
      // The checkout is older than the database: r2 and x1 have no files here.
      const older = tempProject(migrationFiles(specs.slice(0, 2)))
      try {
        const message = '2 revisions are applied to the database but have no migration file: "r2" (Ahead), "x1" (Side branch)'
        for (const run of [() => upgrade({ url: t.url, cwd: older.dir }), () => downgrade({ url: t.url, cwd: older.dir, revision: 'base' })]) {
          const e = await run().then(() => undefined, (error: unknown) => error)
          assert.instance(e, StateError)
          assert.is((e as StateError).code, 'APPLIED_REVISION_MISSING')
          assert.is((e as StateError).message, message)
        }
        const r = await runCli(['upgrade', '--url', t.url], older.dir)
        assert.is(r.code, 1, r.stderr)
        assert.match(r.stderr, `error: ${message}`)
        assert.match(r.stderr, 'hint: Restore the migration files of "r2", "x1" (e.g. check out the newer code), or, if they were removed on purpose, forget them: "sqlmig stamp --purge r1" records what the files define')
      } finally {
        older.cleanup()
      }
    } finally {
      full.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
