// `sqlmig lint` typed as the issue shows: pending migrations (the database says which), --url for
// table sizes, --all and paths without a database, --format markdown, --json, exit codes, the
// ignore comment, sqlmig.json "lint"; on the server and on a PGlite-only project.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL, targetKinds } from '../helpers/targets.ts'

const FILES = migrationFiles(chain([
  { revision: 'aaaa00000001', up: 'CREATE TABLE accounts (id int PRIMARY KEY, email varchar(20), n int);', down: 'DROP TABLE accounts;' },
  {
    revision: 'aaaa00000002',
    up: 'CREATE INDEX accounts_email ON accounts (email);\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(40);\n-- sqlmig-lint: ignore rename the application reads both names\nALTER TABLE accounts RENAME COLUMN n TO m;',
    down: 'DROP INDEX accounts_email;',
  },
]))
const SECOND = 'migrations/versions/0002_aaaa00000002.up.sql'

if ((await targetKinds()).includes('postgres')) {
  test('on a server: lint --url lints the pending migration with the table sizes, exit 1 on an error; --json; small tables downgrade; create prints its findings', async () => {
    const p = tempProject(FILES)
    const t = await newTarget('postgres')
    try {
      assert.is((await runCli(['upgrade', 'aaaa00000001', '--url', t.url], p.dir)).code, 0)
      const sql = postgres(t.url, { max: 1, onnotice: () => {} })
      await sql.unsafe('INSERT INTO accounts SELECT g, g::text, g FROM generate_series(1, 20000) g; ANALYZE accounts')
      await sql.end({ timeout: 1 })

      const r = await runCli(['lint', '--url', t.url], p.dir)
      assert.is(r.code, 1, r.stderr)
      assert.match(r.stdout, `${SECOND}:6:1: error index-not-concurrent: CREATE INDEX on "accounts" takes a SHARE lock and reads the whole table, which blocks writes until the index is built (~20000 rows)\n  CREATE INDEX accounts_email ON accounts (email);\n  ^\n  PostgreSQL: SHARE lock on "accounts", which blocks writes: INSERT, UPDATE, DELETE (reads go on); reads every row while it holds the lock\n  safe way:\n    CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);`)
      // varchar(20) → varchar(40) is binary-coercible: no rewrite finding (the lock still needs a lock_timeout).
      assert.not.match(r.stdout, 'alter-column-type')
      assert.match(r.stdout, `${SECOND}:7:1: error lock-timeout:`)
      assert.match(r.stdout, `ignored ${SECOND}:9:1: rename: the application reads both names`)
      assert.match(r.stdout, '2 errors, 0 warnings in 1 migration (3 statements; table sizes from')

      const j = await runCli(['lint', '--url', t.url, '--json'], p.dir)
      assert.is(j.code, 1)
      const data = JSON.parse(j.stdout)
      assert.equal(Object.keys(data), ['findings', 'ignored', 'errors', 'warnings', 'files', 'database'])
      assert.equal(Object.keys(data.findings[0]), ['rule', 'severity', 'file', 'line', 'column', 'statement', 'message', 'lock', 'blocks', 'rewrite', 'scan', 'table', 'rows', 'advice'])
      assert.equal([data.findings[0].rule, data.findings[0].lock, data.findings[0].table, data.findings[0].rows, data.findings[0].scan], ['index-not-concurrent', 'SHARE', 'accounts', 20000, true])
      assert.equal(data.ignored.map((f: { rule: string; ignored: unknown }) => [f.rule, f.ignored]), [['rename', { reason: 'the application reads both names' }]])

      writeFileSync(join(p.dir, 'sqlmig.json'), JSON.stringify({ lint: { smallTableRows: 100000, rules: { rename: 'off' } } }))
      const small = await runCli(['lint', '--url', t.url], p.dir)
      assert.is(small.code, 0, small.stdout)
      assert.match(small.stdout, '0 errors, 2 warnings')
      assert.not.match(small.stdout, 'ignored')

      // Nothing pending: nothing to lint.
      assert.is((await runCli(['upgrade', '--url', t.url], p.dir)).code, 0)
      const none = await runCli(['lint', '--url', t.url], p.dir)
      assert.equal([none.code, none.stdout], [0, 'No migrations to lint\n'])

      // create prints the findings of the file it wrote (and still succeeds).
      writeFileSync(join(p.dir, 'migrations', 'schema.sql'), 'CREATE TABLE accounts (id int PRIMARY KEY, email varchar(40), m int, note text NOT NULL DEFAULT \'\');\nCREATE INDEX accounts_email ON accounts (email);\n')
      const c = await runCli(['create', 'note', '--url', t.url, '--shadow-url', SERVER_URL], p.dir)
      assert.is(c.code, 0, c.stderr)
      assert.match(c.stdout, /lint: 1 error, 0 warnings in 1 migration[^\n]*\n[^\n]*_note\.up\.sql:\d+:1: error lock-timeout: ADD COLUMN note waits for ACCESS EXCLUSIVE/)
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })
}

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
    const missing = await runCli(['lint', 'nope.sql'], p.dir)
    assert.equal([missing.code, missing.stderr.split('\n')[0]], [2, 'error: Cannot read "nope.sql": no such file'])
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

  } finally {
    p.cleanup()
  }
})

test.run()
