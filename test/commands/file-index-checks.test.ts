/**
 * Issue 20, targets 3 and 4: current(), history() and upgrade() take unchanged files from the
 * file index (src/files/file-index.ts), and their checks stay exact with it, on a real database
 * and real files: an applied up file edited with its size and mtime kept is still reported and
 * refused, also right after the index was written; a down file made invalid is refused by
 * current(); an applied revision whose files are deleted is refused; a corrupt index and a cache
 * directory that cannot be written change nothing but speed. The files are made older than
 * RACY_MS first (the index records no file changed just before a scan), by waiting.
 */
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, history, upgrade } from '../../mod.ts'
import { RACY_MS } from '../../src/files/file-index.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { rejection } from '../helpers/rejection.ts'

const SPECS = chain([
  { revision: 'ix0000000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
  { revision: 'ix0000000002', up: 'create table t2 (id int);', down: 'drop table t2;' },
  { revision: 'ix0000000003', up: 'create table t3 (id int);', down: 'drop table t3;' },
])
const VERSIONS = 'migrations/versions'
const UP2 = `${VERSIONS}/0002_ix0000000002.up.sql`
const DOWN3 = `${VERSIONS}/0003_ix0000000003.down.sql`
const UP3 = `${VERSIONS}/0003_ix0000000003.up.sql`
/** A whole second, which utimes sets back exactly (as `touch -r` would). */
const MTIME = new Date(1_700_000_000_000)

const refusal = async (run: () => Promise<unknown>) => (await rejection(run())) as Error & { code?: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Writes `text` to `path` and sets its mtime back to MTIME: only ctime tells the edit. */
function editKeepingMtime(path: string, text: string): void {
  writeFileSync(path, text)
  utimesSync(path, MTIME, MTIME)
}

const kinds = await targetKinds()
const kind = kinds.includes('postgres') ? 'postgres' : kinds[0]!

test(`${kind}: with the file index in use, an edit keeping size and mtime is reported and refused, a bad down file and deleted applied files are refused, a corrupt index and an unwritable cache change nothing`, async () => {
  const t = await newTarget(kind)
  const p = tempProject(migrationFiles(SPECS))
  const cache = join(p.dir, '.cache-for-the-test')
  const saved = process.env.SQLMIG_CACHE_DIR
  process.env.SQLMIG_CACHE_DIR = cache
  const options = { url: t.url, cwd: p.dir }
  const path = (rel: string) => join(p.dir, rel)
  try {
    for (const name of readdirSync(path(VERSIONS))) utimesSync(path(`${VERSIONS}/${name}`), MTIME, MTIME)
    assert.is((await upgrade({ ...options, revision: 'ix0000000002' })).steps.length, 2)
    // Older than RACY_MS (by ctime too, which only waiting moves): recorded by the next scan.
    await sleep(RACY_MS + 300)
    assert.equal((await current(options)).pending, ['ix0000000003'])
    const indexes = readdirSync(join(cache, 'file-index'))
    assert.is(indexes.length, 1)
    const index = join(cache, 'file-index', indexes[0]!)
    assert.is(readFileSync(index, 'utf8').trim().split('\n').length, 7, 'a line per file after the first')
    // The pending migration is taken from the index, its text read (and checked against it) to run.
    const ran = await upgrade(options)
    assert.equal(ran.steps.map((s) => s.revision), ['ix0000000003'])
    assert.equal((await current(options)).changed, [])
    assert.is((await upgrade(options)).steps.length, 0)

    // Same size, same mtime, one character of SQL: ctime moved.
    const up2 = readFileSync(path(UP2), 'utf8')
    const size = statSync(path(UP2)).size
    editKeepingMtime(path(UP2), up2.replace('t2 (id int)', 't2 (id INT)'))
    assert.is(statSync(path(UP2)).size, size)
    assert.is(statSync(path(UP2)).mtimeMs, MTIME.getTime())
    assert.equal((await current(options)).changed, [{ revision: 'ix0000000002', file: path(UP2) }])
    assert.equal((await history(options)).revisions.filter((r) => r.changed).map((r) => r.revision), ['ix0000000002'])
    assert.is((await refusal(() => upgrade(options))).code, 'CHANGED_MIGRATION')
    editKeepingMtime(path(UP2), up2)
    assert.equal((await current(options)).changed, [])
    // Edited again at once, within the second the index was last written: still seen.
    editKeepingMtime(path(UP2), up2.replace('t2 (id int)', 't2 (id INT)'))
    assert.equal((await current(options)).changed, [{ revision: 'ix0000000002', file: path(UP2) }])
    editKeepingMtime(path(UP2), up2)

    // A down file that would fail on the day of the downgrade is refused by current() as before.
    const down3 = readFileSync(path(DOWN3), 'utf8')
    editKeepingMtime(path(DOWN3), `${down3}create index concurrently t3_id on t3 (id);\n`)
    assert.is((await refusal(() => current(options))).code, 'NOT_IN_TRANSACTION')
    assert.is((await refusal(() => current(options))).code, 'NOT_IN_TRANSACTION', 'again: a file with a problem is never recorded')
    editKeepingMtime(path(DOWN3), down3)

    // A corrupt index is ignored (and replaced).
    writeFileSync(index, 'sqlmig file index\t1\tnot this build\n\u0000\u0000')
    assert.equal((await current(options)).changed, [])
    assert.is((await upgrade(options)).steps.length, 0)

    // A cache directory that cannot be made (under a file): no index, same answers.
    process.env.SQLMIG_CACHE_DIR = join(index, 'under-a-file')
    assert.equal((await current(options)).changed, [])
    assert.is((await upgrade(options)).steps.length, 0)
    process.env.SQLMIG_CACHE_DIR = cache

    // Applied, then deleted: refused, though the index still holds both files.
    const up3 = readFileSync(path(UP3), 'utf8')
    rmSync(path(UP3))
    rmSync(path(DOWN3))
    for (const run of [() => upgrade(options), () => current(options)]) assert.is((await refusal(run)).code, 'APPLIED_REVISION_MISSING')
    writeFileSync(path(UP3), up3)
    writeFileSync(path(DOWN3), down3)
    assert.is((await upgrade(options)).steps.length, 0)
  } finally {
    if (saved === undefined) delete process.env.SQLMIG_CACHE_DIR
    else process.env.SQLMIG_CACHE_DIR = saved
    p.cleanup()
    await t.cleanup()
  }
})

test.run()
