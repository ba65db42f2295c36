// `sqlmig lint` on a server, typed as the issue shows: the pending migrations (the database says
// which) with table sizes from --url, --json, exit codes, the ignore comment, sqlmig.json "lint",
// and create printing its findings. lint-offline.test.ts: no database, and a PGlite-only project.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { FILES, SECOND } from './lint-project.ts'
import { newTarget, SERVER_URL, targetKinds } from '../helpers/targets.ts'

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

test.run()
