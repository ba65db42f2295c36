/**
 * `upgrade +N` / `downgrade -N` through the built CLI: an ambiguous one, or one with too few
 * steps, is exit 2 with the candidates and the explicit targets, and changes nothing. On the
 * server when there is one (what is tested is the graph's arithmetic, not the database: on PGlite
 * each of the 14 commands and 18 checks paid a PGlite start), else on PGlite.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { scratchTarget } from '../helpers/targets.ts'

// z0 is a second base; r0 -> r1 -> a1 -> a2, r1 -> b1 (r1 is a branch point)
const SPECS = [
  { revision: 'r0', parents: [], up: 'create table r0 (id int);', down: 'drop table r0;' },
  { revision: 'r1', parents: ['r0'], up: 'create table r1 (id int);', down: 'drop table r1;' },
  { revision: 'a1', parents: ['r1'], up: 'create table a1 (id int);', down: 'drop table a1;' },
  { revision: 'a2', parents: ['a1'], up: 'create table a2 (id int);', down: 'drop table a2;' },
  { revision: 'b1', parents: ['r1'], up: 'create table b1 (id int);', down: 'drop table b1;' },
  { revision: 'z0', parents: [], up: 'create table z0 (id int);', down: 'drop table z0;' },
]

async function versions(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    const exists = await db.query<{ n: number }>(`select count(*)::int as n from pg_class where relname = 'sqlmig_version'`)
    if (exists[0]?.n === 0) return []
    return (await db.query<{ revision: string }>('select revision from sqlmig_version order by revision')).map((r) => r.revision)
  } finally {
    await db.close()
  }
}

async function tables(url: string): Promise<string[]> {
  const db = await openDatabase(url)
  try {
    return (await db.query<{ t: string }>(`select relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' and relname <> 'sqlmig_version' order by 1`)).map((r) => r.t)
  } finally {
    await db.close()
  }
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('hint:'))

test('ambiguous ±N and ±N past the end exit 2, name the explicit targets and change nothing', async () => {
  const p = tempProject(migrationFiles(SPECS))
  const t = await scratchTarget()
  const url = t.url
  const cli = (...args: string[]) => runCli([...args, '--url', url], p.dir)
  const refused = async (args: string[], lines: string[], state: string[]) => {
    const r = await cli(...args)
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(errorLines(r.stderr), lines, args.join(' '))
    assert.equal(await versions(url), state, `${args.join(' ')} leaves the version table alone`)
    assert.equal(await tables(url), state, `${args.join(' ')} leaves the tables alone`)
  }
  try {
    // Empty database, two bases.
    await refused(['upgrade', '+1'], [
      'error: Cannot upgrade by "+1": nothing is applied and there are 2 bases ("r0", "z0")',
      'hint: Name the revision to upgrade to: "sqlmig upgrade r0" or "sqlmig upgrade z0"',
    ], [])
    let r = await cli('upgrade', 'r0')
    assert.is(r.code, 0, r.stderr)
    // +1 along a single child works; +2 from r0 reaches the branch point r1.
    await refused(['upgrade', '+2'], [
      'error: Cannot upgrade by "+2": "r1" has 2 children ("a1", "b1")',
      'hint: Name the revision to upgrade to: "sqlmig upgrade a1" or "sqlmig upgrade b1"',
    ], ['r0'])
    r = await cli('upgrade', '+1')
    assert.is(r.code, 0, r.stderr)
    assert.equal(await versions(url), ['r0', 'r1'])
    await refused(['upgrade', '+1'], [
      'error: Cannot upgrade by "+1": "r1" has 2 children ("a1", "b1")',
      'hint: Name the revision to upgrade to: "sqlmig upgrade a1" or "sqlmig upgrade b1"',
    ], ['r0', 'r1'])
    r = await cli('upgrade', 'a1')
    assert.is(r.code, 0, r.stderr)
    // One step is left on this branch: +2 is an error and applies nothing.
    await refused(['upgrade', '+2'], [
      'error: Cannot upgrade by "+2": "a2" is a head, 1 step from "a1"',
      'hint: Run "sqlmig upgrade +1" (or "sqlmig upgrade a2") to go as far as that branch leads, or "sqlmig upgrade heads" to apply every pending revision',
    ], ['a1', 'r0', 'r1'])
    // Two current revisions (a1 and z0).
    r = await cli('upgrade', 'z0')
    assert.is(r.code, 0, r.stderr)
    const state = ['a1', 'r0', 'r1', 'z0']
    await refused(['upgrade', '+1'], [
      'error: Cannot upgrade by "+1": 2 revisions are current ("a1", "z0")',
      'hint: Name the revision to upgrade to: "sqlmig upgrade a2"',
    ], state)
    await refused(['downgrade', '-1'], [
      'error: Cannot downgrade by "-1": 2 revisions are current ("a1", "z0")',
      'hint: Name the revision to keep: "sqlmig downgrade r1"',
    ], state)
    r = await cli('upgrade', '+1', '--json')
    assert.is(r.code, 2, r.stderr)
    assert.equal(JSON.parse(r.stdout), {
      error: {
        code: 'AMBIGUOUS_RELATIVE',
        message: 'Cannot upgrade by "+1": 2 revisions are current ("a1", "z0")',
        location: null,
        detail: null,
        hint: 'Name the revision to upgrade to: "sqlmig upgrade a2"',
      },
    })
    // Back to one line: -N past base is out of range, -N within it exact.
    r = await cli('downgrade', 'r1')
    assert.is(r.code, 0, r.stderr)
    assert.equal(await versions(url), ['r0', 'r1', 'z0'])
    r = await cli('downgrade', '-1', '--json')
    assert.is(r.code, 2, r.stderr)
    assert.is(JSON.parse(r.stdout).error.code, 'AMBIGUOUS_RELATIVE')
    r = await cli('downgrade', 'base')
    assert.is(r.code, 0, r.stderr)
    r = await cli('upgrade', 'r1')
    assert.is(r.code, 0, r.stderr)
    await refused(['downgrade', '-3'], [
      'error: Cannot downgrade by "-3": only 2 revisions are applied',
      'hint: Run "sqlmig downgrade -2" (or "sqlmig downgrade base") to undo all of them',
    ], ['r0', 'r1'])
    r = await cli('upgrade', '+3', '--json')
    assert.is(r.code, 2, r.stderr)
    assert.is(JSON.parse(r.stdout).error.code, 'AMBIGUOUS_RELATIVE')
    r = await cli('downgrade', '-2')
    assert.is(r.code, 0, r.stderr)
    assert.equal(await versions(url), [])
    await refused(['downgrade', '-1'], [
      'error: Cannot downgrade by "-1": no revision is applied',
      'hint: Run "sqlmig current" to check the database',
    ], [])
  } finally {
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
