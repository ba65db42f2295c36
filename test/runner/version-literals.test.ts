/**
 * The version-table writes of a run inline their values as literals (one message, no
 * parameter-type round trip): what the table holds must be exactly what was parameterised before,
 * whatever standard_conforming_strings says and whatever the message holds.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
import { insertRows, sqlLiteral } from '../../src/runner/version-rows.ts'
import type { VersionRow } from '../../src/runner/version-table.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { scratchTarget, serverAvailable, SERVER_URL } from '../helpers/targets.ts'

const TRICKY = ["it's", 'back\\slash \\\\ two', "\\' both", 'E\'x\'', '$1 and $2::text', '"quoted"', 'ünïcödé ✓', 'line\nbreak', '', "''"]

test('sqlLiteral: every tricky string reads back exactly, standard_conforming_strings on and off', async () => {
  if (!(await serverAvailable())) return
  const db = await openDatabase(SERVER_URL)
  try {
    for (const setting of ['on', 'off']) {
      await db.exec(`set standard_conforming_strings = ${setting}`)
      for (const s of TRICKY) {
        const rows = await db.query<{ v: string }>(`select ${sqlLiteral(s)}::text as v`)
        assert.equal(rows[0]!.v, s, `${setting}: ${JSON.stringify(s)}`)
      }
      const rows = await db.query<{ v: string }>(`select ${sqlLiteral(-12)} + ${sqlLiteral(12)} as v`)
      assert.equal(Number(rows[0]!.v), 0)
    }
  } finally {
    await db.close()
  }
  assert.throws(() => sqlLiteral(1.5))
  assert.throws(() => sqlLiteral(null))
})

test('insertRows: N rows are Kysely\'s own N-row INSERT with the values inlined, 1,000 rows a statement', () => {
  const k = new Kysely<any>({
    dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
  })
  const name = { schema: 'my schema', table: 'sqlmig_version' }
  const rows: VersionRow[] = Array.from({ length: 1001 }, (_, i) => ({
    revision: `r${i}`, parents: i ? [`r${i - 1}`, 'x'] : [], message: TRICKY[i % TRICKY.length]!, checksum: `c${i}`, executionMs: i * 1.4,
  }))
  const kyselys = (chunk: VersionRow[]) => {
    const q = k.withSchema(name.schema).insertInto(name.table).values(chunk.map((r) => ({
      revision: r.revision, down_revision: sql`${`{${r.parents.join(',')}}`}::text[]`, message: r.message, checksum: r.checksum, execution_ms: Math.round(r.executionMs),
    }))).compile()
    return q.sql.replace(/\$(\d+)/g, (_, n) => sqlLiteral(q.parameters[Number(n) - 1]))
  }
  const three = insertRows(k, name, rows.slice(0, 3))
  assert.equal(three.map((q) => q.sql), [kyselys(rows.slice(0, 3))])
  assert.equal(three[0]!.parameters, [])
  const all = insertRows(k, name, rows)
  assert.equal(all.map((q) => q.sql), [kyselys(rows.slice(0, 1000)), kyselys(rows.slice(1000))])
})

for (const transaction of ['per-migration', 'all'] as const) {
  test(`--transaction ${transaction}: messages with quotes, backslashes and placeholders are recorded exactly`, async () => {
    const messages = ["it's a \\back\\slash", 'cost $1 "quoted" \\\' E\'x\'']
    const p = tempProject(migrationFiles(chain([
      { revision: 'aaaaaaaaaaa1', message: messages[0], up: 'create table a (id int);', down: 'drop table a;' },
      { revision: 'bbbbbbbbbbb2', message: messages[1], up: 'create table b (id int);', down: 'drop table b;' },
    ])))
    const t = await scratchTarget()
    try {
      await upgrade({ url: t.url, cwd: p.dir, transaction })
      const db = await openDatabase(t.url)
      try {
        const rows = await db.query<{ revision: string; down_revision: string[] | string; message: string; checksum: string }>(
          'select revision, down_revision::text as down_revision, message, checksum from sqlmig_version order by applied_order',
        )
        assert.equal(rows.map((r) => [r.revision, r.down_revision, r.message]), [
          ['aaaaaaaaaaa1', '{}', messages[0]],
          ['bbbbbbbbbbb2', '{aaaaaaaaaaa1}', messages[1]],
        ])
      } finally {
        await db.close()
      }
      // Recorded as the files say: a second run has nothing to do and sees no edited file.
      const again = await upgrade({ url: t.url, cwd: p.dir, transaction })
      assert.equal(again.steps.length, 0)
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

test.run()
