/**
 * Issue 17, `sqlmig pull` and `sqlmig baseline` on PGlite (the server: pull-baseline.test.ts):
 * pull -> check converges; a database whose history is forgotten is baselined from another
 * project, and upgrade there is a no-op.
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
    await ok(['upgrade', '--url', url], p.dir)
    await ok(['pull', '--url', url], p.dir)
    await ok(['check'], p.dir)
    // The same database, its history forgotten (an empty version table), baselined from another project.
    await ok(['stamp', '--purge', 'base', '--url', url], p.dir)
    const base = JSON.parse((await ok(['baseline', '--url', url, '-m', 'Baseline', '--json'], q.dir)).stdout)
    const up = JSON.parse((await ok(['upgrade', '--url', url, '--json'], q.dir)).stdout)
    assert.equal([up.steps, up.to], [[], [base.revision]])
  } finally {
    p.cleanup()
    q.cleanup()
  }
})

test.run()
