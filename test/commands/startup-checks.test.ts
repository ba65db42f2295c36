/**
 * Issue 20, item 4: the start-up path (upgrade() with nothing to do, current(), history()) got
 * faster, and its checks stay exact: an applied up file edited after it ran is refused by
 * upgrade() and reported by current() and history(); a layout-only edit (CRLF, trailing spaces,
 * trailing blank lines) is no edit; an applied revision whose file is gone is refused; a down
 * file that is missing is reported by every command, with nothing pending as well.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { current, history, StateError, upgrade } from '../../mod.ts'
import { InvalidMigrationError } from '../../src/errors.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, targetKinds } from '../helpers/targets.ts'
import { rejection } from '../helpers/rejection.ts'

const SPECS = chain([
  { revision: 'st0000000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
  { revision: 'st0000000002', up: 'create table t2 (id int);', down: 'drop table t2;' },
  { revision: 'st0000000003', up: 'create table t3 (id int);', down: 'drop table t3;' },
])
const UP2 = 'migrations/versions/0002_st0000000002.up.sql'

const refusal = async (run: () => Promise<unknown>) => (await rejection(run())) as Error & { code?: string }

for (const kind of await targetKinds()) {
  test(`${kind}: with everything applied, an edited applied file is refused by upgrade() and reported by current() and history(); a layout-only edit is not`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(SPECS))
    const options = { url: t.url, cwd: p.dir }
    try {
      assert.is((await upgrade(options)).steps.length, 3)
      assert.is((await upgrade(options)).steps.length, 0)
      const path = join(p.dir, UP2)
      const original = readFileSync(path, 'utf8')
      // Layout: CRLF line ends, trailing spaces and blank lines. Same checksum: still nothing to do.
      writeFileSync(path, `${original.replace(/\n/g, ' \r\n')}\r\n\r\n`)
      assert.is((await upgrade(options)).steps.length, 0)
      assert.equal((await current(options)).changed, [])
      // A real edit: one character of SQL.
      writeFileSync(path, original.replace('t2 (id int)', 't2 (id bigint)'))
      const e = await refusal(() => upgrade(options))
      assert.instance(e, StateError)
      assert.is(e.code, 'CHANGED_MIGRATION')
      assert.equal((await current(options)).changed, [{ revision: 'st0000000002', file: join(p.dir, UP2) }])
      assert.equal((await history(options)).revisions.filter((r) => r.changed).map((r) => r.revision), ['st0000000002'])
      assert.is((await upgrade({ ...options, allowChanged: true })).steps.length, 0)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })

  test(`${kind}: with everything applied, a deleted applied file is refused by upgrade() and current(); a missing down file is refused by all three`, async () => {
    const t = await newTarget(kind)
    const p = tempProject(migrationFiles(SPECS))
    const options = { url: t.url, cwd: p.dir }
    try {
      await upgrade(options)
      const down3 = join(p.dir, 'migrations/versions/0003_st0000000003.down.sql')
      const text = readFileSync(down3, 'utf8')
      rmSync(down3)
      for (const run of [() => upgrade(options), () => current(options), () => history(options)]) {
        const e = await refusal(run)
        assert.instance(e, InvalidMigrationError)
        assert.is(e.code, 'MISSING_DOWN_FILE')
      }
      writeFileSync(down3, text)
      // A down that names another revision leaves its up without a down: read, not assumed from the name.
      writeFileSync(down3, text.replace('st0000000003', 'st0000000009'))
      assert.is((await refusal(() => current(options))).code, 'INVALID_MIGRATIONS')
      writeFileSync(down3, text)
      rmSync(join(p.dir, 'migrations/versions/0003_st0000000003.up.sql'))
      rmSync(down3)
      for (const run of [() => upgrade(options), () => current(options)]) {
        const e = await refusal(run)
        assert.instance(e, StateError)
        assert.is(e.code, 'APPLIED_REVISION_MISSING')
      }
      // Back in place: nothing to do again.
      writeFileSync(join(p.dir, 'migrations/versions/0003_st0000000003.up.sql'), migrationFiles(SPECS)['migrations/versions/0003_st0000000003.up.sql']!)
      writeFileSync(down3, text)
      appendFileSync(down3, '\n\n')
      assert.is((await upgrade(options)).steps.length, 0)
    } finally {
      p.cleanup()
      await t.cleanup()
    }
  })
}

test.run()
