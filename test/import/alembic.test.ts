/**
 * Issue 17, Alembic: a fixture project made by the real `alembic init`, with Python revisions
 * (op.create_table, op.add_column, op.execute), two bases, branches, merges (one that does nothing, as `alembic merge`
 * writes it) and an autocommit_block. `alembic upgrade heads` builds one database; `sqlmig import alembic --from
 * alembic` + `sqlmig upgrade heads` another: the ids and the graph are Alembic's, the schemas
 * (pg_dump) are equal, and both downgrade to base alike. Needs Debian's python3-alembic and
 * python3-psycopg2 (.ci/run installs them).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { UnmappableSourceError } from '../../src/errors.ts'
import { runCli } from '../helpers/cli.ts'
import { serverAvailable } from '../helpers/targets.ts'
import { alembicProject, PYTHON as FOUND_PYTHON, revision, VERSIONS } from './alembic-helpers.ts'
import { dumpSchema, withTwoDatabases } from './helpers.ts'

const PYTHON = FOUND_PYTHON

const schema = (url: string) => dumpSchema(url, { excludeTables: ['alembic_version', 'sqlmig_version'] })

test('the real "alembic upgrade heads" and "sqlmig import alembic --from alembic" + "sqlmig upgrade heads" build the same schema; ids, bases, branches and merges kept; both downgrade to base alike', async () => {
  if (!PYTHON || !(await serverAvailable())) return
  await withTwoDatabases('sqlmig_al', async (a, b) => {
    const p = alembicProject(VERSIONS, a)
    try {
      execFileSync(PYTHON, ['-m', 'alembic', 'upgrade', 'heads'], { cwd: p.dir, encoding: 'utf8', stdio: 'pipe' })
      const imported = await runCli(['import', 'alembic', '--from', 'alembic', '--url', b], p.dir)
      assert.is(imported.code, 0, imported.stderr)
      assert.match(imported.stdout, 'alembic/versions/m2_merge.py -> m2m2m2m2m2m2')
      assert.match(imported.stderr, 'note: branch label "core" on 1a2b3c4d5e6f')
      const up = readFileSync(join(p.dir, 'migrations', 'versions', '20240304120000_m2m2m2m2m2m2_merge_audit.up.sql'), 'utf8')
      assert.match(up, '-- revision: m2m2m2m2m2m2\n-- down_revision: m1m1m1m1m1m1, b1b1b1b1b1b1\n-- message: merge audit\n')
      assert.not.match(up, /alembic_version|BEGIN;\n|COMMIT;/)
      const heads = await runCli(['heads'], p.dir)
      assert.is(heads.stdout.trim().split('\n').length, 1, heads.stdout)
      assert.match(heads.stdout, 'e1e1e1e1e1e1')
      assert.match(readFileSync(join(p.dir, 'migrations', 'versions', '20240304120000_e1e1e1e1e1e1_merge_heads_as_alembic_merge_writes_it.down.sql'), 'utf8'), /^-- revision: e1e1e1e1e1e1\n-- down: none\n/)
      const history = await runCli(['history', '--json'], p.dir)
      const parents = Object.fromEntries((JSON.parse(history.stdout).revisions as Array<{ revision: string; down_revision: string[] }>).map((r) => [r.revision, r.down_revision]))
      assert.equal(parents, {
        '1a2b3c4d5e6f': [], 'b1b1b1b1b1b1': [], '2b3c4d5e6f70': ['1a2b3c4d5e6f'], 'c1c1c1c1c1c1': ['1a2b3c4d5e6f'],
        'm1m1m1m1m1m1': ['2b3c4d5e6f70', 'c1c1c1c1c1c1'], 'm2m2m2m2m2m2': ['m1m1m1m1m1m1', 'b1b1b1b1b1b1'], 'd1d1d1d1d1d1': ['m2m2m2m2m2m2'],
        'x1x1x1x1x1x1': ['m2m2m2m2m2m2'], 'e1e1e1e1e1e1': ['d1d1d1d1d1d1', 'x1x1x1x1x1x1'],
      })
      const upgraded = await runCli(['upgrade', 'heads', '--url', b], p.dir)
      assert.is(upgraded.code, 0, upgraded.stderr)
      const theirs = schema(a)
      assert.ok(theirs.includes('posts_slug') && theirs.includes('audit.touch()'), theirs)
      assert.fixture(schema(b), theirs)
      execFileSync(PYTHON, ['-m', 'alembic', 'downgrade', 'base'], { cwd: p.dir, encoding: 'utf8', stdio: 'pipe' })
      const down = await runCli(['downgrade', 'base', '--url', b], p.dir)
      assert.is(down.code, 0, down.stderr)
      assert.fixture(schema(b), schema(a))
    } finally {
      p.cleanup()
    }
  })
})

test('depends_on is refused with file:line and nothing is written; an env.py that raises is reported at its line', () => {
  if (!PYTHON) return
  const p = alembicProject({
    'a_base.py': revision('aaaaaaaaaaaa', null, 'base', 'op.execute("SELECT 1")', 'pass'),
    'b_other.py': revision('bbbbbbbbbbbb', null, 'other base', 'op.execute("SELECT 2")', 'pass'),
    'c_dep.py': revision('cccccccccccc', 'aaaaaaaaaaaa', 'depends', 'op.execute("SELECT 3")', 'pass', "depends_on = 'bbbbbbbbbbbb'"),
  })
  try {
    let spots: string[] = []
    try {
      importHistory(join(p.dir, 'alembic'), { from: 'alembic', cwd: p.dir, url: 'postgres://x@localhost/y' })
    } catch (error) {
      if (!(error instanceof UnmappableSourceError)) throw error
      spots = error.spots.map((s) => `${s.file.slice(p.dir.length + 1)}:${s.line}: ${s.message.split(':')[0]}`)
    }
    assert.equal(spots, ['alembic/versions/c_dep.py:13: depends_on = bbbbbbbbbbbb'])
    assert.not.ok(existsSync(join(p.dir, 'migrations')))
    const env = join(p.dir, 'alembic', 'env.py')
    writeFileSync(env, readFileSync(env, 'utf8').replace('def run_migrations_offline', 'raise RuntimeError("no settings")\n\n\ndef run_migrations_offline'))
    try {
      importHistory(join(p.dir, 'alembic'), { from: 'alembic', cwd: p.dir, url: 'postgres://x@localhost/y' })
      assert.unreachable()
    } catch (error) {
      if (!(error instanceof UnmappableSourceError)) throw error
      const line = readFileSync(env, 'utf8').split('\n').findIndex((l) => l.startsWith('raise RuntimeError')) + 1
      assert.equal(error.spots, [{ file: env, line, message: 'alembic: RuntimeError: no settings' }])
    }
  } finally {
    p.cleanup()
  }
})

test('a real-size Alembic history (300 revisions, a merge every 50) imports with its ids in one Alembic run', async () => {
  if (!PYTHON) return
  const versions: Record<string, string> = {}
  let parent: string | string[] | null = null
  for (let i = 1; i <= 300; i++) {
    const id = `r${String(i).padStart(4, '0')}`
    if (i % 50 === 25) {
      versions[`${id}x.py`] = revision(`${id}x`, parent as string, `side ${i}`, `op.execute("CREATE TABLE s${i} (id int)")`, `op.execute("DROP TABLE s${i}")`)
      versions[`${id}.py`] = revision(id, parent, `rev ${i}`, `op.execute("CREATE TABLE t${i} (id int)")`, `op.execute("DROP TABLE t${i}")`)
      parent = [id, `${id}x`]
      continue
    }
    versions[`${id}.py`] = revision(id, parent, `rev ${i}`, `op.execute("CREATE TABLE t${i} (id int)")`, `op.execute("DROP TABLE t${i}")`)
    parent = id
  }
  const p = alembicProject(versions)
  try {
    const started = Date.now()
    const r = importHistory(join(p.dir, 'alembic'), { from: 'alembic', cwd: p.dir, url: 'postgresql://x@localhost/y' })
    const ms = Date.now() - started
    console.log(`  300 + 6 Alembic revisions imported in ${ms} ms`)
    assert.is(r.imported.length, 306)
    assert.equal(r.imported.find((m) => m.revision === 'r0026')!.down_revision, ['r0025', 'r0025x'])
    const heads = await runCli(['heads'], p.dir)
    assert.is(heads.stdout.trim(), heads.stdout.trim().split('\n')[0])
    assert.match(heads.stdout, 'r0300')
  } finally {
    p.cleanup()
  }
})

test.run()
