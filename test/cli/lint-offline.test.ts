// `sqlmig lint` without a server: --all and paths need no database, --format markdown, usage
// errors; a PGlite-only project reads the pending set and the sizes from the embedded database.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { FILES, SECOND } from './lint-project.ts'

test('lint --all and lint <file> need no database: a table created earlier in the run is new; --format markdown; usage errors exit 2', async () => {
  const p = tempProject(FILES)
  try {
    const all = await runCli(['lint', '--all'], p.dir)
    assert.is(all.code, 0, all.stderr + all.stdout)
    assert.match(all.stdout, '0 errors, 0 warnings in 2 migrations (4 statements; table sizes unknown (no database))\n')

    const one = await runCli(['lint', SECOND], p.dir)
    assert.is(one.code, 1)
    assert.match(one.stdout, '(size unknown: no database given)')
    // Without a database the column's type is unknown: the type change may rewrite.
    assert.match(one.stdout, `${SECOND}:7:1: error alter-column-type:`)

    const md = await runCli(['lint', SECOND, '--format', 'markdown'], p.dir)
    assert.is(md.code, 1)
    assert.match(md.stdout, '### sqlmig lint\n\n3 errors, 0 warnings')
    assert.match(md.stdout, '#### ❌ `index-not-concurrent` at `' + SECOND + ':6:1`')
    assert.match(md.stdout, '```sql\nCREATE INDEX CONCURRENTLY accounts_email ON accounts (email);')

    const bad = await runCli(['lint', '--format', 'html', SECOND], p.dir)
    assert.equal([bad.code, bad.stderr.split('\n')[0]], [2, 'error: --format must be "text" or "markdown", not "html"'])
    writeFileSync(join(p.dir, 'sqlmig.json'), JSON.stringify({ lint: { rules: { renames: 'off' } } }))
    const unknown = await runCli(['lint', '--all'], p.dir)
    assert.equal([unknown.code, unknown.stderr.split('\n')[0]], [2, 'error: Unknown lint rule "renames" in sqlmig.json'])
  } finally {
    p.cleanup()
  }
})

test('a PGlite-only project: lint reads the pending set and the sizes from the embedded database', async () => {
  const p = tempProject(FILES)
  try {
    assert.is((await runCli(['upgrade', 'aaaa00000001'], p.dir)).code, 0)
    const r = await runCli(['lint'], p.dir)
    assert.is(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, 'warning index-not-concurrent: CREATE INDEX on "accounts" takes a SHARE lock and reads the whole table, which blocks writes until the index is built (~0 rows)')
    assert.match(r.stdout, 'table sizes from pglite:')
    // Nothing pending: nothing to lint.
    assert.is((await runCli(['upgrade'], p.dir)).code, 0)
    const none = await runCli(['lint'], p.dir)
    assert.equal([none.code, none.stdout], [0, 'No migrations to lint\n'])

  } finally {
    p.cleanup()
  }
})

test.run()
