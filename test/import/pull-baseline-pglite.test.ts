/**
 * Issue 17, `sqlmig pull` and `sqlmig baseline` on PGlite (the server: pull-baseline.test.ts):
 * pull -> check converges; the same database, which has no sqlmig_version, is baselined from
 * another project, and upgrade there is a no-op.
 */
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempProject } from '../helpers/cli.ts'
import { ok, SCHEMA } from './adopt-helpers.ts'


test('PGlite: pull -> check converges, and baseline -> upgrade is a no-op', async () => {
  const p = tempProject({
    'migrations/versions/0001_aaaaaaaaaaaa_init.up.sql': `-- revision: aaaaaaaaaaaa\n-- down_revision: none\n-- message: init\n\n${SCHEMA}`,
    'migrations/versions/0001_aaaaaaaaaaaa_init.down.sql': '-- revision: aaaaaaaaaaaa\n-- irreversible: test\n',
  })
  const q = tempProject()
  try {
    const url = `pglite:${join(p.dir, 'pgdata')}`
    // Built by another tool: here sqlmig with a version table of another name, which pull leaves out too.
    const other = ['--url', url, '--version-table', 'other_version']
    await ok(['upgrade', ...other], p.dir)
    await ok(['pull', ...other], p.dir)
    await ok(['check'], p.dir)
    // The same database has no sqlmig_version: baselined from another project.
    const base = JSON.parse((await ok(['baseline', '--url', url, '-m', 'Baseline', '--json'], q.dir)).stdout)
    const up = JSON.parse((await ok(['upgrade', '--url', url, '--json'], q.dir)).stdout)
    assert.equal([up.steps, up.to], [[], [base.revision]])
  } finally {
    p.cleanup()
    q.cleanup()
  }
})

test.run()
