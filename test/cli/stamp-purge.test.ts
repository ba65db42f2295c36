/**
 * `stamp --purge` through the built CLI (on the server when there is one, else PGlite: what is
 * tested is the version table's bookkeeping, not the database): it rewrites the version table even when it
 * records revisions no file defines, runs no migration SQL, reports --json, and --dry-run
 * changes nothing; plain `stamp` of several revisions names the purge.
 */
import { readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'

const SPECS = chain(['c1', 'c2', 'c3'].map((r) => ({ revision: r, up: `create table t_${r} (id int);`, down: `drop table t_${r};` })))

async function read(url: string): Promise<{ versions: string[]; tables: string[] }> {
  const db = await openDatabase(url)
  try {
    const versions = (await db.query<{ revision: string }>('select revision from sqlmig_version order by applied_order')).map((r) => r.revision)
    const tables = (await db.query<{ t: string }>(`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' and relname <> 'sqlmig_version' order by 1`)).map((r) => r.t)
    return { versions, tables }
  } finally {
    await db.close()
  }
}

test('stamp --purge rewrites a version table that records a revision no file defines, running no SQL', async () => {
  const p = tempProject(migrationFiles(SPECS))
  const t = await scratchTarget()
  const url = t.url
  const cli = (...args: string[]) => runCli([...args, '--url', url], p.dir)
  try {
    let r = await cli('upgrade')
    assert.is(r.code, 0, r.stderr)
    const versions = join(p.dir, 'migrations', 'versions')
    for (const f of readdirSync(versions).filter((n) => n.includes('_c3.'))) unlinkSync(join(versions, f))
    const all = ['t_c1', 't_c2', 't_c3']

    r = await cli('stamp', '--purge', 'c1', '--dry-run', '--json')
    assert.is(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).dry_run, true)
    assert.equal(await read(url), { versions: ['c1', 'c2', 'c3'], tables: all }, 'a dry run changes nothing')

    r = await cli('stamp', '--purge', 'c1', '--json')
    assert.is(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout), {
      from: ['c2', 'c3'],
      to: ['c1'],
      steps: [{ revision: 'c3', direction: 'down', message: 'c3', ms: 0, stamped: true }, { revision: 'c2', direction: 'down', message: 'c2', ms: 0, stamped: true }],
      dry_run: false,
      not_run: [],
      purged: { removed: ['c2', 'c3'], recorded: ['c1'] },
    })
    assert.equal(await read(url), { versions: ['c1'], tables: all }, 'only the version table changed')

    r = await cli('stamp', '--purge', 'c2')
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout.trim(), 'Stamped c2 (the version table records 2 revisions; no SQL was run)')
    assert.equal(await read(url), { versions: ['c1', 'c2'], tables: all })

    r = await cli('stamp', '--purge', 'base')
    assert.is(r.code, 0, r.stderr)
    assert.equal(await read(url), { versions: [], tables: all }, 'stamp --purge base empties the table')

    r = await cli('stamp', 'c1', 'c2')
    assert.is(r.code, 2, r.stderr)
    assert.match(r.stderr, 'error: Cannot stamp 2 revisions without --purge\nhint: Run "sqlmig stamp --purge c1 c2" to record exactly them and their ancestors')
    r = await cli('stamp', '--purge', 'nope')
    assert.is(r.code, 2, r.stderr)
    assert.match(r.stderr, 'error: No revision matches "nope"\nhint: Run "sqlmig history --offline" to see the revisions')
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
