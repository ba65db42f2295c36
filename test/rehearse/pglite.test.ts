/** `sqlmig rehearse` and `sqlmig backup` on an embedded PGlite database (the copy lives in memory). */
import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { introspect } from '../../src/schema/introspect.ts'
import { migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { pgliteTemplate } from '../helpers/targets.ts'
import { expectedMigrations, normalise, SPECS } from './fixture.ts'

const project = tempProject(migrationFiles(SPECS))
const url = `pglite:${join(project.dir, 'db')}`

/** Schema model, row counts and version rows of a PGlite database (opened and closed again). */
async function pgliteSnapshot(at: string) {
  const db = await openDatabase(at)
  try {
    const counts: Record<string, number> = {}
    for (const t of ['big', 'small', 'empty_t', 'sqlmig_version']) counts[t] = Number((await db.query<{ n: number }>(`select count(*)::int as n from ${t}`))[0]!.n)
    const versions = await db.query(`select revision, checksum, applied_at::text from sqlmig_version order by applied_order`)
    return { model: await introspect(db), counts, versions }
  } finally {
    await db.close()
  }
}

let before: Awaited<ReturnType<typeof pgliteSnapshot>>

test.before(async () => {
  // A freshly initialised data directory (a copy of one PGlite made): rehearse and backup start
  // from an existing database; creating one is covered where the tests use the embedded default.
  cpSync(await pgliteTemplate(), join(project.dir, 'db'), { recursive: true })
  const r = await runCli(['upgrade', 'aaaaaaaaaaa0', '--url', url], project.dir)
  assert.is(r.code, 0, r.stderr)
  before = await pgliteSnapshot(url)
  assert.is(before.counts.big, 100000)
})

test.after(() => project.cleanup())

test('pglite: rehearse --json on an in-memory copy reports each migration; the data directory is untouched', async () => {
  const r = await runCli(['rehearse', '--url', url, '--json'], project.dir)
  assert.is(r.code, 1, r.stderr)
  const data = JSON.parse(r.stdout)
  assert.equal(data.source, { database: 'db', revision: ['aaaaaaaaaaa0'] })
  // Outside a transaction PGlite's single session cannot be watched: no locks for the CONCURRENTLY index.
  assert.equal(normalise(data.migrations), expectedMigrations({ cicLocks: false }))
  assert.match(r.stderr, 'error: the down of "eeeeeeeee5ee" does not restore the schema it started from')
  assert.equal(await pgliteSnapshot(url), before)
})

test('pglite: --keep is refused (the copy lives in memory)', async () => {
  const r = await runCli(['rehearse', '--url', url, '--keep'], project.dir)
  assert.is(r.code, 2)
  assert.match(r.stderr, 'Cannot keep the rehearsal copy of an embedded (pglite:) database: it lives in memory')
})

test('pglite: backup writes the data directory as .tar.gz; the printed command restores a working database', async () => {
  const r = await runCli(['backup', 'backups', '--url', url], project.dir)
  assert.is(r.code, 0, r.stderr)
  const files = readdirSync(join(project.dir, 'backups'))
  assert.is(files.length, 1)
  assert.match(files[0]!, /^db-aaaaaaaaaaa0-\d{14}\.tar\.gz$/)
  const file = join('backups', files[0]!)
  const restore = `mkdir db-restored && tar -xzf ${file} -C db-restored   # then use --url pglite:db-restored`
  assert.match(r.stdout, new RegExp(`^Backed up "db" at aaaaaaaaaaa0 to ${file.replace(/\./g, '\\.')} \\(\\d+\\.\\d MB\\)\\nRestore with:\\n`))
  assert.match(r.stdout, `  ${restore}\n`)
  execFileSync('sh', ['-c', restore], { cwd: project.dir, stdio: 'ignore' })
  assert.equal(await pgliteSnapshot(`pglite:${join(project.dir, 'db-restored')}`), before)
})

test.run()
