/**
 * On a server, a file's statements go as one simple-query message, and between the transactions
 * of a per-migration run the COMMIT of one and the BEGIN, lock and probe of the next go as one
 * message (issue 20, item 1). What must hold whatever the packaging: the failing statement is
 * named exactly (with or without an error position, in any batch), a failed COMMIT records
 * nothing, each transaction holds the lock and the run's mark, and a lock taken by someone else
 * between two transactions is waited for.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, downgrade, MigrationFailedError, upgrade } from '../../mod.ts'
import type { RunEvent } from '../../src/runner/events.ts'
import { openDatabase } from '../../src/db/open.ts'
import { lockKey } from '../../src/runner/lock.ts'
import { rejection as thrown } from '../helpers/rejection.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { scalar, withServerProject as withProject } from '../helpers/server-project.ts'

/** Lines before a body written by migrationFiles: the 4 header lines and a blank one. */
const HEADER_LINES = 5

if (await serverAvailable()) {
  for (const mode of ['all', 'per-migration'] as const) {
    test(`--transaction ${mode}: a file's statements reach the server in one message`, async () => {
      // current_query() is the whole message the statement came in: it holds the other statement
      // (the check spells the marker in two pieces, so that it does not find itself).
      const up = `select 'one-message-marker';\ndo $$ begin if position('one-message-' || 'marker' in current_query()) = 0 then raise exception 'the statements came one message each'; end if; end $$;\ncreate table t (id int);`
      await withProject([{ revision: 'aaaaaaaaaaa1', up, down: 'drop table t;' }], async (dir, url) => {
        await upgrade({ url, cwd: dir, transaction: mode })
        assert.equal((await current({ url, cwd: dir })).current, ['aaaaaaaaaaa1'])
      })
    })
  }

  test('sslmode=disable is a plain socket too: one message', async () => {
    const up = `select 'one-message-marker';\ndo $$ begin if position('one-message-' || 'marker' in current_query()) = 0 then raise exception 'the statements came one message each'; end if; end $$;`
    await withProject([{ revision: 'aaaaaaaaaaa1', up, down: 'select 1;' }], async (dir, url) => {
      const plain = `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`
      await upgrade({ url: plain, cwd: dir })
      assert.equal((await current({ url: plain, cwd: dir })).current, ['aaaaaaaaaaa1'])
    })
  })

  test('an error without a position, in the middle of a file, names its statement', async () => {
    const up = ['create table x (id int);', 'create table y (id int);', 'create table x (id int);', 'create table z (id int);'].join('\n')
    await withProject([{ revision: 'aaaaaaaaaaa1', up, down: 'drop table x;' }], async (dir, url) => {
      const e = await thrown(upgrade({ url, cwd: dir }))
      assert.instance(e, MigrationFailedError)
      const err = e as MigrationFailedError
      assert.is(err.sqlState, '42P07')
      assert.is(err.location!.line, HEADER_LINES + 3)
      assert.is(err.location!.column, 1)
      assert.is(err.statement, 'create table x (id int)')
      assert.is(await scalar<string | null>(url, `select to_regclass('public.y')::text as r`), null)
    })
  })

  test('a syntax error in a later statement is placed there (the server parses the whole message first)', async () => {
    const up = ['create table a (id int);', 'select 1;', 'select id frm a;', 'create table b (id int);'].join('\n')
    await withProject([{ revision: 'aaaaaaaaaaa1', up, down: 'drop table a;' }], async (dir, url) => {
      const e = (await thrown(upgrade({ url, cwd: dir }))) as MigrationFailedError
      assert.instance(e, MigrationFailedError)
      assert.is(e.sqlState, '42601')
      assert.is(e.location!.line, HEADER_LINES + 3)
      // "frm" reads as a column alias: the error is at "a".
      assert.is(e.location!.column, 'select id frm '.length + 1)
      assert.is(e.statement, 'select id frm a')
    })
  })

  test('positions count characters: text with astral characters before the failing statement', async () => {
    const up = [`create table a (id int, note text default '😀😀 €');`, `select '𝄞𝄞𝄞' as s, nosuch from a;`].join('\n')
    await withProject([{ revision: 'aaaaaaaaaaa1', up, down: 'drop table a;' }], async (dir, url) => {
      const e = (await thrown(upgrade({ url, cwd: dir }))) as MigrationFailedError
      assert.is(e.sqlState, '42703')
      assert.is(e.location!.line, HEADER_LINES + 2)
      // Columns count characters (code points), as the server's positions do.
      assert.is(e.location!.column, [...`select '𝄞𝄞𝄞' as s, `].length + 1)
    })
  })

  test('a file of hundreds of statements (several messages): the failing one in a later message is named', async () => {
    const lines = ['create table t (id int primary key);']
    for (let i = 1; i <= 450; i++) lines.push(`insert into t values (${i === 420 ? 7 : i});`)
    await withProject([{ revision: 'aaaaaaaaaaa1', up: lines.join('\n'), down: 'drop table t;' }], async (dir, url) => {
      const e = (await thrown(upgrade({ url, cwd: dir, transaction: 'per-migration' }))) as MigrationFailedError
      assert.is(e.sqlState, '23505')
      assert.is(e.statement, 'insert into t values (7)')
      assert.is(e.location!.line, HEADER_LINES + 1 + 420)
      assert.is(await scalar<string | null>(url, `select to_regclass('public.t')::text as r`), null)
    })
  })

  const ASSERT_LOCK_AND_MARK = `do $$ begin
  if not exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted) then raise exception 'the migration lock is not held'; end if;
  if current_setting('sqlmig.in_run', true) is distinct from 'on' then raise exception 'the transaction is not the run''s'; end if;
end $$;`

  test('per-migration: every transaction after a handover holds the lock and the mark; rows record each migration', async () => {
    const specs = ['a', 'b', 'c', 'd'].map((x, i) => ({ revision: `${x.repeat(11)}${i + 1}`, up: `${ASSERT_LOCK_AND_MARK}\ncreate table ${x} (id int);`, down: `drop table ${x};` }))
    await withProject(specs, async (dir, url) => {
      const events: RunEvent[] = []
      await upgrade({ url, cwd: dir, transaction: 'per-migration', onEvent: (e) => void events.push(e) })
      assert.equal((await current({ url, cwd: dir })).current, ['ddddddddddd4'])
      assert.is(events.filter((e) => e.type === 'commit').length, 4)
      assert.is(await scalar<string>(url, `select string_agg(revision, ',' order by applied_order) as r from sqlmig_version where execution_ms >= 0`), specs.map((s) => s.revision).join(','))
      // Down the same way: each transaction deletes its row and hands over to the next.
      await downgrade({ url, cwd: dir, revision: 'base', transaction: 'per-migration' })
      assert.equal((await current({ url, cwd: dir })).current, [])
      assert.is(await scalar<string | null>(url, `select to_regclass('public.a')::text as r`), null)
    })
  })

  test('per-migration: the version row sent in the file\'s message records how long the file ran, as the server measured it', async () => {
    const specs = [
      { revision: 'aaaaaaaaaaa1', up: 'create table a (id int);', down: 'drop table a;' },
      { revision: 'bbbbbbbbbbb2', up: "set local datestyle = 'SQL, DMY';\nset local timezone = 'Pacific/Chatham';\nselect pg_sleep(0.3);", down: 'select 1;' },
      { revision: 'ccccccccccc3', up: 'create table c (id int);', down: 'drop table c;' },
    ]
    await withProject(specs, async (dir, url) => {
      await upgrade({ url, cwd: dir, transaction: 'per-migration' })
      const ms = Number(await scalar<number>(url, `select execution_ms as ms from sqlmig_version where revision = 'bbbbbbbbbbb2'`))
      assert.ok(ms >= 300 && ms < 10_000, `execution_ms ${ms}`)
    })
  })

  test('per-migration: a COMMIT that fails (a deferred foreign key) records nothing of that migration; the earlier one stays', async () => {
    const specs = [
      { revision: 'aaaaaaaaaaa1', up: 'create table p (id int primary key);', down: 'drop table p;' },
      { revision: 'bbbbbbbbbbb2', up: 'create table c (p int references p deferrable initially deferred);\ninsert into c values (42);', down: 'drop table c;' },
      { revision: 'ccccccccccc3', up: 'create table never (id int);', down: 'drop table never;' },
    ]
    await withProject(specs, async (dir, url) => {
      const e = await thrown(upgrade({ url, cwd: dir, transaction: 'per-migration' }))
      assert.match(String((e as Error).message), /foreign key/)
      assert.equal((await current({ url, cwd: dir })).current, ['aaaaaaaaaaa1'])
      assert.is(await scalar<string | null>(url, `select to_regclass('public.c')::text as r`), null)
      assert.is(await scalar<string | null>(url, `select to_regclass('public.never')::text as r`), null)
    })
  })

  test('per-migration: a lock another session takes at the COMMIT between two migrations is waited for', async () => {
    const specs = [
      { revision: 'aaaaaaaaaaa1', up: 'select pg_sleep(1.5);\ncreate table a (id int);', down: 'drop table a;' },
      { revision: 'bbbbbbbbbbb2', up: `${ASSERT_LOCK_AND_MARK}\ncreate table b (id int);`, down: 'drop table b;' },
    ]
    await withProject(specs, async (dir, url) => {
      const [k1, k2] = lockKey({ schema: 'public', table: 'sqlmig_version' })
      const other = await openDatabase(url)
      try {
        const events: RunEvent[] = []
        const run = upgrade({ url, cwd: dir, transaction: 'per-migration', onEvent: (e) => void events.push(e) })
        // Queued behind the run's lock while the first migration sleeps: the server grants it to
        // this session at the run's COMMIT, before the run's next lock attempt.
        await new Promise((r) => setTimeout(r, 700))
        const taken = other.query(`select pg_advisory_lock(${k1}, ${k2})`)
        await taken
        assert.equal(await scalar<string[]>(url, `select array_agg(revision) as r from sqlmig_version`), ['aaaaaaaaaaa1'])
        await new Promise((r) => setTimeout(r, 500))
        await other.query(`select pg_advisory_unlock(${k1}, ${k2})`)
        await run
        assert.ok(events.some((e) => e.type === 'lock-wait'), JSON.stringify(events.map((e) => e.type)))
        assert.equal((await current({ url, cwd: dir })).current, ['bbbbbbbbbbb2'])
      } finally {
        await other.close()
      }
    })
  })
}

test.run()
