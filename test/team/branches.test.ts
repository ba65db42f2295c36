/** Working in a team: branches, merges, downgrades across merges, history --graph, irreversible. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, downgrade, history, SqlmigError, upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { migrationFiles, type MigrationSpec, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, scratchTarget, targetKinds } from '../helpers/targets.ts'

const t = (rev: string, parents: string[], extra: Partial<MigrationSpec> = {}): MigrationSpec => ({
  revision: rev,
  parents,
  up: `create table t_${rev} (id int);`,
  down: `drop table t_${rev};`,
  ...extra,
})

// base → a1 → a2 (branch A) ; base → b1 (branch B) ; base → c1 (branch C)
// m1 merges a2+b1 ; m2 merges m1+c1 (a merge of a merge) ; top after m2
const GRAPH = [
  t('root', []),
  t('a1', ['root']),
  t('a2', ['a1']),
  t('b1', ['root']),
  t('c1', ['root']),
  t('m1', ['a2', 'b1'], { up: 'select 1;', down: 'select 1;' }),
  t('m2', ['m1', 'c1'], { up: 'select 1;', down: 'select 1;' }),
  t('top', ['m2']),
]

async function tables(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    return (await db.query<{ t: string }>(`select relname as t from pg_class where relname like 't\\_%' and relkind = 'r' order by 1`)).map((r) => r.t.slice(2))
  } finally {
    await db.close()
  }
}

/** The version table as SQL reads it: the recorded revisions, sorted. */
async function versionRows(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    return (await db.query<{ revision: string }>('select revision from sqlmig_version order by revision')).map((r) => r.revision)
  } finally {
    await db.close()
  }
}

for (const kind of await targetKinds()) {
  test(`${kind}: three branches, a merge of merges, partial application and downgrades across merges`, async () => {
    const p = tempProject(migrationFiles(GRAPH))
    const target = await newTarget(kind)
    const o = { url: target.url, cwd: p.dir }
    try {
      // One branch only.
      await upgrade({ ...o, revision: 'a2' })
      assert.equal((await current(o)).current, ['a2'])
      assert.equal(await tables(target.url), ['a1', 'a2', 'root'])
      // Another branch: both are current.
      await upgrade({ ...o, revision: 'b1' })
      assert.equal((await current(o)).current.sort(), ['a2', 'b1'])
      // Up to the merge of merges: c1 and both merges come in.
      const r = await upgrade({ ...o, revision: 'm2' })
      assert.equal(r.steps.map((s) => s.revision), ['c1', 'm1', 'm2'])
      assert.equal((await current(o)).current, ['m2'])
      await upgrade(o)
      assert.equal((await current(o)).current, ['top'])
      // Downgrading a merge goes back to both parents.
      let down = await downgrade({ ...o, revision: 'm1' })
      // What each downgrade reports it reached is what current then reads and the version table holds.
      assert.equal({ from: down.from, to: down.to }, { from: ['top'], to: ['c1', 'm1'] })
      assert.equal((await current(o)).current.sort(), ['c1', 'm1'])
      assert.equal(await versionRows(target.url), ['a1', 'a2', 'b1', 'c1', 'm1', 'root'])
      // -1 with two current revisions is ambiguous and undoes nothing; naming what stays is exact.
      const ambiguous = await downgrade({ ...o, revision: '-1' }).catch((e) => e)
      assert.is(ambiguous.code, 'AMBIGUOUS_RELATIVE')
      assert.equal((await current(o)).current.sort(), ['c1', 'm1'])
      down = await downgrade({ ...o, revision: 'a2' })
      assert.equal(down.to, ['a2', 'b1', 'c1'])
      assert.equal((await current(o)).current.sort(), ['a2', 'b1', 'c1'])
      assert.equal(await versionRows(target.url), ['a1', 'a2', 'b1', 'c1', 'root'])
      // Downgrading one branch leaves the others applied.
      down = await downgrade({ ...o, revision: 'a1' })
      assert.equal({ steps: down.steps.map((s) => s.revision), to: down.to }, { steps: ['a2'], to: ['a1', 'b1', 'c1'] })
      assert.equal((await current(o)).current.sort(), ['a1', 'b1', 'c1'])
      assert.equal(await tables(target.url), ['a1', 'b1', 'c1', 'root'])
      assert.equal((await history(o)).revisions.filter((e) => e.isCurrent).map((e) => e.revision).sort(), ['a1', 'b1', 'c1'])
      // Everything: reverse of the applied order.
      down = await downgrade({ ...o, revision: 'base' })
      assert.equal(down.steps.map((s) => s.revision), ['c1', 'b1', 'a1', 'root'])
      assert.equal(down.to, [])
      assert.equal(await versionRows(target.url), [])
      const all = await downgrade({ ...o, revision: 'base' }).catch((e) => e)
      assert.equal(all.steps ?? [], [])
      await upgrade({ ...o, revision: 'heads' })
      assert.equal((await current(o)).current, ['top'])
      assert.equal((await history(o)).revisions.filter((e) => e.applied).length, GRAPH.length)
    } finally {
      p.cleanup()
      await target.cleanup()
    }
  })
}

test('upgrade with two heads refuses, merge joins them, upgrade heads applies every branch', async () => {
  const p = tempProject(migrationFiles([t('root', []), t('aaaa1111', ['root']), t('bbbb2222', ['root'])]))
  // Graph behaviour and output through the CLI: a scratch database (the server when there is one);
  // the same operations on PGlite run through the library in the first test.
  const target = await scratchTarget()
  const cli = (...a: string[]) => runCli([...a, '--url', target.url], p.dir)
  try {
    let r = await cli('heads', '--json')
    assert.equal(JSON.parse(r.stdout), { heads: ['aaaa1111', 'bbbb2222'] })
    r = await cli('heads')
    assert.match(r.stdout, 'aaaa1111 (head) aaaa1111\nbbbb2222 (head) bbbb2222')
    r = await cli('upgrade')
    assert.is(r.code, 2)
    assert.match(r.stderr, '"head" is ambiguous: there are 2 heads ("aaaa1111", "bbbb2222")')
    assert.match(r.stderr, 'hint: Join them with "sqlmig merge heads", or name one: "sqlmig upgrade aaaa1111"')
    r = await cli('branches', '--json')
    assert.equal(JSON.parse(r.stdout).branches[0].children.map((c: { revision: string }) => c.revision), ['aaaa1111', 'bbbb2222'])
    r = await cli('merge', 'aaaa', 'bbbb', '-m', 'merge feature branches', '--json')
    assert.is(r.code, 0, r.stderr)
    const m = JSON.parse(r.stdout)
    assert.equal(m.down_revision, ['aaaa1111', 'bbbb2222'])
    assert.match(readFileSync(join(p.dir, m.up), 'utf8'), `-- down_revision: aaaa1111, bbbb2222\n-- message: merge feature branches\n`)
    r = await cli('heads', '--json')
    assert.equal(JSON.parse(r.stdout), { heads: [m.revision] })
    r = await cli('upgrade', 'heads')
    assert.is(r.code, 0, r.stderr)
    assert.equal(JSON.parse((await cli('current', '--json')).stdout), { current: [m.revision] })
    r = await cli('history', '--graph')
    assert.is(r.code, 0, r.stderr)
    const art = r.stdout.split('\n').map((l) => l.split('  ')[0])
    assert.equal(art, ['*', '|\\', '| *', '* |', '|/', '*', ''])
    assert.match(r.stdout, `${m.revision} (current, head, merge) merge feature branches`)
    r = await cli('history', '-r', 'bbbb:head', '--json')
    assert.equal(JSON.parse(r.stdout).revisions.map((x: { revision: string }) => x.revision), [m.revision, 'bbbb2222'])
    r = await cli('merge', 'aaaa1111', '-m', 'x')
    assert.is(r.code, 2)
  } finally {
    p.cleanup()
    await target.cleanup()
  }
})

test('downgrade across an irreversible migration stops before it with the reason', async () => {
  const p = tempProject(migrationFiles([
    t('r1', []),
    t('r2', ['r1'], { downHeader: '-- irreversible: drops customer data\n', down: '' }),
    t('r3', ['r2']),
  ]))
  const target = await newTarget('pglite')
  const o = { url: target.url, cwd: p.dir }
  try {
    await upgrade(o)
    const e = await downgrade({ ...o, revision: 'base' }).catch((x) => x)
    assert.instance(e, SqlmigError)
    assert.is(e.code, 'IRREVERSIBLE')
    assert.is(e.message, 'Stopped before revision "r2": it is irreversible (drops customer data)')
    assert.is(e.exitCode, 1)
    assert.is(e.hint, 'The database is now at r2; undo "r2" by hand, then record that: "sqlmig stamp --purge r1"')
    assert.equal((await current(o)).current, ['r2'])
    assert.equal(await versionRows(target.url), ['r1', 'r2'])
    assert.equal(await tables(target.url), ['r1', 'r2'])
  } finally {
    p.cleanup()
    await target.cleanup()
  }
})

test.run()
