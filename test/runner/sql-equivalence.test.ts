/**
 * `--sql` prints exactly what a run does (issue 15, item 2). For every transaction mode, the
 * script `upgrade --sql` prints is applied with `psql -v ON_ERROR_STOP=1 -f` to one database
 * while the real `upgrade` runs on another; then the same for `downgrade base`, which stops at
 * an irreversible revision. pg_dump (schema and data) and the version tables must be identical.
 * The history covers every header combination: settings from sqlmig.json and from headers
 * (recorded by the migrations themselves with current_setting), `transaction: false` files with
 * CONCURRENTLY statements up and down, COPY FROM STDIN, and an irreversible down.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { run } from '../helpers/process.ts'
import { newTarget, serverAvailable, type Target } from '../helpers/targets.ts'

const seen = (id: string) => `insert into seen values ('${id}', current_setting('lock_timeout'), current_setting('statement_timeout'), pg_catalog.txid_current_if_assigned() is null);`

const history = migrationFiles(chain([
  {
    revision: 'eq0000000001',
    up: `create table seen (step text primary key, lock_timeout text, statement_timeout text, outside_tx boolean);\ncreate table items (id int primary key, note text);\ncopy items (id, note) from stdin;\n1\tone\n2\ttwo\n\\.\n${seen('1')}`,
    down: 'drop table items;\ndrop table seen;',
  },
  {
    revision: 'eq0000000002',
    upHeader: '-- lock_timeout: 3s',
    up: `alter table items add column kept text;\n${seen('2')}`,
    downHeader: '-- irreversible: the kept column holds data that cannot come back',
    down: 'alter table items drop column kept;',
  },
  {
    revision: 'eq0000000003',
    upHeader: '-- transaction: false\n-- statement_timeout: 7s',
    up: `create index concurrently items_note on items (note);\n${seen('3')}`,
    downHeader: '-- transaction: false',
    down: `drop index concurrently items_note;\n${seen('3-down')}`,
  },
  {
    revision: 'eq0000000004',
    up: `insert into items values (3, 'three');\n${seen('4')}`,
    downHeader: '-- statement_timeout: 9s',
    down: `delete from items where id = 3;\n${seen('4-down')}`,
  },
  {
    revision: 'eq0000000005',
    up: `create table later (id int);\n${seen('5')}`,
    down: `drop table later;\n${seen('5-down')}`,
  },
]))

const config = JSON.stringify({ dir: 'migrations', lock_timeout: '4s' })

async function psql(url: string, file: string): Promise<void> {
  const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], '/')
  assert.is(r.code, 0, `psql failed:\n${r.stdout}\n${r.stderr}`)
}

/** Schema and data (pg_dump), and the version table without its times. */
async function snapshot(url: string): Promise<{ dump: string; versions: string }> {
  const dump = await run('pg_dump', ['--no-owner', '--exclude-table-data=public.sqlmig_version', '-d', url], '/')
  assert.is(dump.code, 0, dump.stderr)
  const versions = await run('psql', ['-X', '-At', '-d', url, '-c', 'select applied_order, revision, down_revision, message, checksum from sqlmig_version order by applied_order'], '/')
  assert.is(versions.code, 0, versions.stderr)
  return { dump: dump.stdout.split('\n').filter((l) => !/^\\(un)?restrict /.test(l)).join('\n'), versions: versions.stdout }
}

async function seenIn(url: string): Promise<string> {
  return (await run('psql', ['-X', '-At', '-d', url, '-c', 'select step, lock_timeout, statement_timeout, outside_tx from seen order by step'], '/')).stdout.trim()
}

if (await serverAvailable()) {
  for (const mode of ['all', 'per-migration'] as const) {
    test(`--transaction ${mode}: the printed script applied with psql leaves the database as the run does, up and down across an irreversible revision`, async () => {
      const p = tempProject({ ...history, 'sqlmig.json': config })
      const scripted: Target = await newTarget('postgres')
      const ran: Target = await newTarget('postgres')
      try {
        const script = join(p.dir, 'up.sql')
        const printed = await runCli(['upgrade', '--sql', '--transaction', mode, '--url', scripted.url], p.dir)
        assert.is(printed.code, 0, printed.stderr)
        writeFileSync(script, printed.stdout)
        await psql(scripted.url, script)
        const real = await runCli(['upgrade', '--transaction', mode, '--url', ran.url], p.dir)
        assert.is(real.code, 0, real.stderr)
        const up = await snapshot(ran.url)
        assert.equal(await snapshot(scripted.url), up)
        // The settings each migration ran with, as it saw them: sqlmig.json's lock_timeout, the
        // headers', the session defaults restored after a standalone file.
        assert.is(await seenIn(ran.url), ['1|4s|0|f', '2|3s|0|f', '3|4s|7s|t', '4|4s|0|f', '5|4s|0|f'].join('\n'))
        assert.match(up.versions, /^5\|eq0000000005\|\{eq0000000004\}\|/m)

        // downgrade base stops before the irreversible eq0000000002, after undoing 5, 4 and 3.
        const downScript = join(p.dir, 'down.sql')
        const printedDown = await runCli(['downgrade', 'base', '--sql', '--transaction', mode, '--url', scripted.url], p.dir)
        assert.is(printedDown.code, 1, printedDown.stderr)
        assert.match(printedDown.stderr, 'Stopped before revision "eq0000000002": it is irreversible')
        assert.match(printedDown.stdout, '-- Stopped before revision eq0000000002: it is irreversible (the kept column holds data that cannot come back)')
        assert.not.match(printedDown.stdout, 'drop column kept')
        writeFileSync(downScript, printedDown.stdout)
        await psql(scripted.url, downScript)
        const realDown = await runCli(['downgrade', 'base', '--transaction', mode, '--url', ran.url], p.dir)
        assert.is(realDown.code, 1, realDown.stderr)
        assert.match(realDown.stderr, 'Stopped before revision "eq0000000002": it is irreversible')
        const down = await snapshot(ran.url)
        assert.equal(await snapshot(scripted.url), down)
        assert.is(down.versions.trim().split('\n').map((l) => l.split('|')[1]).join(' '), 'eq0000000001 eq0000000002')
        assert.match(await seenIn(ran.url), /^3-down\|4s\|0\|t$/m)
        assert.match(await seenIn(ran.url), /^4-down\|4s\|9s\|f$/m)
      } finally {
        p.cleanup()
        await scripted.cleanup()
        await ran.cleanup()
      }
    })
  }

  test('--sql --from base needs no database and prints the same script as --sql on an empty database', async () => {
    const p = tempProject({ ...history, 'sqlmig.json': config })
    const t = await newTarget('postgres')
    try {
      const offline = await runCli(['upgrade', '--sql', '--from', 'base', '--url', 'postgres://nobody@127.0.0.1:1/none'], p.dir)
      const online = await runCli(['upgrade', '--sql', '--url', t.url], p.dir)
      assert.is(offline.code, 0, offline.stderr)
      assert.is(online.stdout.replace(/ from base/, ''), offline.stdout.replace(/ from base/, ''))
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
