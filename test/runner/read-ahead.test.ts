/**
 * Read-ahead (issue 20, speed round two): on a server, a migration's message is sent while the
 * one before it runs. What must hold against the real server: a failure in file i leaves
 * nothing of i nor of the i+1 already sent, and names i's statement; a lock another session
 * takes at the COMMIT between them, or the next revision recorded by someone else meanwhile,
 * makes the i+1 sent ahead run nothing (it runs later, with the lock, exactly once, or not at
 * all); an error without a position in i+1 names i+1's statement; an abort rolls back the
 * transaction and reports what was committed.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, MigrationFailedError, SqlmigError, upgrade } from '../../mod.ts'
import type { RunEvent } from '../../src/runner/events.ts'
import { openDatabase } from '../../src/db/open.ts'
import { lockKey } from '../../src/runner/lock.ts'
import { rejection as thrown } from '../helpers/rejection.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { scalar, withServerProject as withProject } from '../helpers/server-project.ts'

/** Lines before a body written by migrationFiles: the 4 header lines and a blank one (more with upHeader). */
const HEADER_LINES = 5

const table = (url: string, name: string) => scalar<string | null>(url, `select to_regclass('public.${name}')::text as r`)
/** The recorded revisions in applied order; null when there are none (or no version table). */
async function recorded(url: string): Promise<string[] | null> {
  if ((await table(url, 'sqlmig_version')) === null) return null
  return await scalar<string[] | null>(url, `select array_agg(revision order by applied_order) as r from sqlmig_version`)
}

/** Fails unless the statement runs holding the migration lock, in the run's transaction. */
const ASSERT_LOCK_AND_MARK = `do $$ begin
  if not exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted) then raise exception 'the migration lock is not held'; end if;
  if current_setting('sqlmig.in_run', true) is distinct from 'on' then raise exception 'the transaction is not the run''s'; end if;
end $$;`

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

if (await serverAvailable()) {
  for (const mode of ['all', 'per-migration'] as const) {
    test(`--transaction ${mode}: a failure in file i, with i+1 sent ahead, leaves nothing of either and names i's statement`, async () => {
      const specs = [
        { revision: 'aaaaaaaaaaa1', up: 'create table a (id int);', down: 'drop table a;' },
        // A positionless error after a pause: i+2 is on the wire while it runs.
        { revision: 'bbbbbbbbbbb2', up: 'create table b (id int);\nselect pg_sleep(0.3);\ncreate table a (id int);\ncreate table b2 (id int);', down: 'drop table b;' },
        { revision: 'ccccccccccc3', up: 'create table c (id int);', down: 'drop table c;' },
        { revision: 'ddddddddddd4', up: 'create table d (id int);', down: 'drop table d;' },
      ]
      await withProject(specs, async (dir, url) => {
        const events: RunEvent[] = []
        const e = await thrown(upgrade({ url, cwd: dir, transaction: mode, onEvent: (ev) => void events.push(ev) }))
        assert.instance(e, MigrationFailedError)
        const err = e as MigrationFailedError
        assert.is(err.revision, 'bbbbbbbbbbb2')
        assert.is(err.sqlState, '42P07')
        assert.is(err.statement, 'create table a (id int)')
        assert.is(err.location!.line, HEADER_LINES + 3)
        assert.ok(err.location!.file.endsWith('_bbbbbbbbbbb2.up.sql'), err.location!.file)
        for (const t of ['b', 'b2', 'c', 'd']) assert.is(await table(url, t), null, t)
        assert.equal(await recorded(url), mode === 'all' ? null : ['aaaaaaaaaaa1'])
        assert.is(await table(url, 'a'), mode === 'all' ? null : 'a')
        // No step of a message sent ahead is reported as started before the one before it is done.
        const order = events.filter((x) => x.type === 'step-start' || x.type === 'step-done').map((x) => `${x.type}:${x.revision.slice(0, 1)}`)
        assert.equal(order, ['step-start:a', 'step-done:a', 'step-start:b'])
      })
    })

    test(`--transaction ${mode}: an error without a position in i+1, sent ahead after i succeeded, names i+1's statement (settings in its message)`, async () => {
      const specs = [
        { revision: 'aaaaaaaaaaa1', up: 'select pg_sleep(0.2);\ncreate table x (id int);', down: 'drop table x;' },
        {
          revision: 'bbbbbbbbbbb2',
          upHeader: '-- lock_timeout: 4s\n-- statement_timeout: 1min',
          // The settings run in this file's message: the file sees them.
          up: `do $$ begin if current_setting('lock_timeout') <> '4s' then raise exception 'lock_timeout %', current_setting('lock_timeout'); end if; end $$;\ncreate table y (id int);\ncreate table x (id int);\ncreate table z (id int);`,
          down: 'drop table y;',
        },
      ]
      await withProject(specs, async (dir, url) => {
        const e = await thrown(upgrade({ url, cwd: dir, transaction: mode }))
        assert.instance(e, MigrationFailedError)
        const err = e as MigrationFailedError
        assert.is(err.revision, 'bbbbbbbbbbb2')
        assert.is(err.sqlState, '42P07')
        assert.is(err.statement, 'create table x (id int)')
        // The two header lines take the blank line's place: the body starts on line 7.
        assert.is(err.location!.line, HEADER_LINES + 1 + 3)
        assert.is(await table(url, 'y'), null)
        assert.equal(await recorded(url), mode === 'all' ? null : ['aaaaaaaaaaa1'])
      })
    })
  }

  test('per-migration: a lock another session takes at the COMMIT while i+1 is on the wire: i+1 runs later, with the lock, once', async () => {
    const specs = [
      { revision: 'aaaaaaaaaaa1', up: 'create table runs (rev text);\nselect pg_sleep(1.5);', down: 'drop table runs;' },
      { revision: 'bbbbbbbbbbb2', up: `${ASSERT_LOCK_AND_MARK}\ninsert into runs values ('b');`, down: 'select 1;' },
      { revision: 'ccccccccccc3', up: `${ASSERT_LOCK_AND_MARK}\ninsert into runs values ('c');`, down: 'select 1;' },
    ]
    await withProject(specs, async (dir, url) => {
      const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
      const other = await openDatabase(url)
      try {
        const events: RunEvent[] = []
        const run = upgrade({ url, cwd: dir, transaction: 'per-migration', onEvent: (e) => void events.push(e) })
        // Queued behind the run's lock while the first migration sleeps (the second's message is
        // sent by then): the server grants it to this session at the run's COMMIT.
        await sleep(700)
        await other.query(`select pg_advisory_lock(${k1}, ${k2})`)
        assert.equal(await recorded(url), ['aaaaaaaaaaa1'])
        await sleep(500)
        // The message sent ahead ran nothing while the lock was not the run's.
        assert.is(await scalar<string>(url, `select count(*)::text as n from runs`), '0')
        await other.query(`select pg_advisory_unlock(${k1}, ${k2})`)
        await run
        assert.ok(events.some((e) => e.type === 'lock-wait'), JSON.stringify(events.map((e) => e.type)))
        assert.equal(await recorded(url), ['aaaaaaaaaaa1', 'bbbbbbbbbbb2', 'ccccccccccc3'])
        assert.is(await scalar<string>(url, `select string_agg(rev, ',' order by rev) as r from runs`), 'b,c')
      } finally {
        await other.close()
      }
    })
  })

  test('per-migration: the next revision recorded by someone else while i runs: the i+1 sent ahead runs nothing, i+2 runs', async () => {
    const specs = [
      { revision: 'aaaaaaaaaaa1', up: 'create table runs (rev text);', down: 'drop table runs;' },
      { revision: 'bbbbbbbbbbb2', up: `select pg_sleep(1.2);\ninsert into runs values ('b');`, down: 'select 1;' },
      { revision: 'ccccccccccc3', up: `insert into runs values ('c');`, down: 'select 1;' },
      { revision: 'ddddddddddd4', up: `${ASSERT_LOCK_AND_MARK}\ninsert into runs values ('d');`, down: 'select 1;' },
    ]
    await withProject(specs, async (dir, url) => {
      await upgrade({ url, cwd: dir, revision: 'aaaaaaaaaaa1' })
      const run = upgrade({ url, cwd: dir, transaction: 'per-migration' })
      await sleep(500)
      // Someone records c by hand (committed before b's COMMIT).
      const other = await openDatabase(url)
      try {
        await other.exec(`insert into sqlmig_version (revision, down_revision, checksum) values ('ccccccccccc3', '{bbbbbbbbbbb2}', 'by hand')`)
      } finally {
        await other.close()
      }
      await run
      assert.is(await scalar<string>(url, `select string_agg(rev, ',' order by rev) as r from runs`), 'b,d')
      assert.equal(await recorded(url), ['aaaaaaaaaaa1', 'ccccccccccc3', 'bbbbbbbbbbb2', 'ddddddddddd4'])
      assert.is(await scalar<string>(url, `select checksum from sqlmig_version where revision = 'ccccccccccc3'`), 'by hand')
    })
  })

  for (const mode of ['all', 'per-migration'] as const) {
    test(`--transaction ${mode}: an abort while i runs and i+1 is on the wire rolls back the open transaction and names what was committed`, async () => {
      const specs = [
        { revision: 'aaaaaaaaaaa1', up: 'create table a (id int);', down: 'drop table a;' },
        { revision: 'bbbbbbbbbbb2', up: 'create table b (id int);\nselect pg_sleep(5);', down: 'drop table b;' },
        { revision: 'ccccccccccc3', up: 'create table c (id int);', down: 'drop table c;' },
      ]
      await withProject(specs, async (dir, url) => {
        const abort = new AbortController()
        const events: RunEvent[] = []
        const run = upgrade({ url, cwd: dir, transaction: mode, signal: abort.signal, onEvent: (e) => void events.push(e) })
        while (!events.some((e) => e.type === 'step-start' && e.revision === 'bbbbbbbbbbb2')) await sleep(20)
        await sleep(300)
        const started = Date.now()
        abort.abort(new SqlmigError('INTERRUPTED', 'Interrupted by SIGINT'))
        const e = await thrown(run)
        // The cancel reached the sleeping statement (it did not sleep its 5 s out).
        assert.ok(Date.now() - started < 4000, `${Date.now() - started} ms`)
        assert.instance(e, SqlmigError)
        assert.is((e as SqlmigError).code, 'INTERRUPTED')
        // The statement the cancel stopped: b's sleep (the tap reads the session's socket, not the cancel's).
        assert.is((e as SqlmigError).location?.line, HEADER_LINES + 2)
        assert.ok((e as SqlmigError).location?.file.endsWith('_bbbbbbbbbbb2.up.sql'), (e as SqlmigError).location?.file)
        assert.match((e as SqlmigError).detail ?? '', mode === 'all' ? /Nothing of this run was committed/ : /Committed before the interruption and still applied: aaaaaaaaaaa1 \(up\)$/m)
        for (const t of ['b', 'c']) assert.is(await table(url, t), null, t)
        assert.equal(await recorded(url), mode === 'all' ? null : ['aaaaaaaaaaa1'])
        // The lock is free again: a run goes on to the end.
        await upgrade({ url, cwd: dir, transaction: mode })
        assert.equal((await current({ url, cwd: dir })).current, ['ccccccccccc3'])
      })
    })
  }
}

test.run()
