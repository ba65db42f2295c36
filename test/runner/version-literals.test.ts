/**
 * The version-table writes of a run inline their values as literals (one message, no
 * parameter-type round trip): what the table holds must be exactly what was parameterised before,
 * whatever standard_conforming_strings says and whatever the message holds.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { upgrade } from '../../mod.ts'
import { openDatabase } from '../../src/db/open.ts'
import { sqlLiteral } from '../../src/runner/version-rows.ts'
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
