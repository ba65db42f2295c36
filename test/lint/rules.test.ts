// Each lint rule on a statement it must flag (true positive) and a near twin it must not flag
// (the false positive squawk-style linters report): pure, no database. A table not created in
// the linted files exists already; `schema` is what the database is known to hold.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type LintFile, lintFiles, type LintSettings } from '../../src/lint/engine.ts'
import { RULE_IDS } from '../../src/lint/rules/all.ts'

interface Case {
  rule: string
  bad: string
  good: string
  /** The safe form's file runs outside a transaction ("-- transaction: false"). */
  noTransaction?: boolean
  /** The database's schema before the migration (column types, indexes). */
  schema?: string
}

const SCHEMA = 'CREATE TABLE accounts (id int, email varchar(20), amount numeric(10,2), net cidr, at timestamp, n int); CREATE INDEX accounts_email ON accounts (email);'

const CASES: Case[] = [
  { rule: 'index-not-concurrent', bad: 'CREATE INDEX i ON accounts (email);', good: 'CREATE TABLE t (a int); CREATE INDEX i ON t (a);' },
  { rule: 'drop-index-not-concurrent', bad: 'DROP INDEX accounts_email;', good: 'DROP INDEX CONCURRENTLY accounts_email;', noTransaction: true },
  { rule: 'reindex-not-concurrent', bad: 'REINDEX TABLE accounts;', good: 'REINDEX TABLE CONCURRENTLY accounts;', noTransaction: true },
  { rule: 'constraint-not-valid', bad: 'ALTER TABLE accounts ADD CONSTRAINT c CHECK (n > 0);', good: 'ALTER TABLE accounts ADD CONSTRAINT c CHECK (n > 0) NOT VALID;' },
  { rule: 'constraint-not-valid', bad: 'ALTER TABLE accounts ADD CONSTRAINT f FOREIGN KEY (n) REFERENCES users (id);', good: 'CREATE TABLE t (u int); ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id);' },
  {
    rule: 'validate-same-transaction',
    bad: 'ALTER TABLE accounts ADD CONSTRAINT c CHECK (n > 0) NOT VALID; ALTER TABLE accounts VALIDATE CONSTRAINT c;',
    good: 'ALTER TABLE accounts ADD CONSTRAINT c CHECK (n > 0) NOT VALID; COMMIT; BEGIN; ALTER TABLE accounts VALIDATE CONSTRAINT c; COMMIT;',
    noTransaction: true,
  },
  { rule: 'set-not-null', bad: 'ALTER TABLE accounts ALTER COLUMN n SET NOT NULL;', good: 'ALTER TABLE accounts ADD CONSTRAINT nn CHECK (n IS NOT NULL); ALTER TABLE accounts ALTER COLUMN n SET NOT NULL;' },
  { rule: 'add-column-volatile-default', bad: 'ALTER TABLE accounts ADD COLUMN u uuid DEFAULT gen_random_uuid();', good: "ALTER TABLE accounts ADD COLUMN s text DEFAULT 'x', ADD COLUMN at2 timestamptz DEFAULT now();" },
  { rule: 'alter-column-type', bad: 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(10);', good: 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(40);', schema: SCHEMA },
  { rule: 'alter-column-type', bad: 'ALTER TABLE accounts ALTER COLUMN id TYPE bigint;', good: 'ALTER TABLE accounts ALTER COLUMN email TYPE text, ALTER COLUMN net TYPE inet, ALTER COLUMN amount TYPE numeric(12,2);', schema: SCHEMA },
  { rule: 'alter-column-type', bad: 'ALTER TABLE accounts ALTER COLUMN at TYPE timestamptz;', good: "SET TIME ZONE 'UTC'; ALTER TABLE accounts ALTER COLUMN at TYPE timestamptz;", schema: SCHEMA },
  { rule: 'unique-without-index', bad: 'ALTER TABLE accounts ADD PRIMARY KEY (id);', good: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id;' },
  { rule: 'add-column-generated', bad: 'ALTER TABLE accounts ADD COLUMN d int GENERATED ALWAYS AS (n * 2) STORED;', good: 'CREATE TABLE t (n int); ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) STORED;' },
  { rule: 'add-column-generated', bad: 'ALTER TABLE accounts ADD COLUMN k bigint GENERATED ALWAYS AS IDENTITY;', good: 'ALTER TABLE accounts ADD COLUMN k bigint;' },
  { rule: 'rename', bad: 'ALTER TABLE accounts RENAME COLUMN n TO m;', good: 'CREATE TABLE t (n int); ALTER TABLE t RENAME COLUMN n TO m;' },
  { rule: 'rename', bad: 'ALTER TABLE accounts RENAME TO clients;', good: 'ALTER INDEX accounts_email RENAME TO accounts_email_idx;' },
  { rule: 'drop', bad: 'ALTER TABLE accounts DROP COLUMN n;', good: 'CREATE TABLE t (n int, m int); ALTER TABLE t DROP COLUMN n;' },
  { rule: 'drop', bad: 'DROP TABLE accounts;', good: 'CREATE TABLE t (n int); DROP TABLE t;' },
  { rule: 'enum-value-same-transaction', bad: "ALTER TYPE mood ADD VALUE 'ok'; UPDATE accounts SET mood = 'ok' WHERE id = 1;", good: "ALTER TYPE mood ADD VALUE 'ok'; UPDATE accounts SET mood = 'ok' WHERE id = 1;", noTransaction: true },
  { rule: 'vacuum-full', bad: 'VACUUM FULL accounts;', good: 'VACUUM accounts;', noTransaction: true },
  { rule: 'cluster', bad: 'CLUSTER accounts USING accounts_email;', good: 'CREATE TABLE t (a int); CREATE INDEX ti ON t (a); CLUSTER t USING ti;' },
  { rule: 'lock-table', bad: 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;', good: 'LOCK TABLE accounts IN ROW EXCLUSIVE MODE;' },
  { rule: 'truncate', bad: 'TRUNCATE accounts;', good: 'CREATE TABLE t (a int); TRUNCATE t;' },
  { rule: 'lock-timeout', bad: 'ALTER TABLE accounts ADD COLUMN x int;', good: "SET LOCAL lock_timeout = '2s'; ALTER TABLE accounts ADD COLUMN x int;" },
  { rule: 'several-exclusive-locks', bad: 'ALTER TABLE accounts ADD COLUMN x int; ALTER TABLE users ADD COLUMN y int;', good: 'ALTER TABLE accounts ADD COLUMN x int; ALTER TABLE accounts ADD COLUMN y int;' },
  { rule: 'backfill-with-ddl', bad: 'ALTER TABLE accounts ADD COLUMN x int; UPDATE accounts SET x = 0;', good: 'ALTER TABLE accounts ADD COLUMN x int; UPDATE accounts SET x = 0 WHERE id < 1000;' },
  { rule: 'backfill-with-ddl', bad: 'CREATE INDEX CONCURRENTLY i ON accounts (n); BEGIN; ALTER TABLE accounts ADD COLUMN x int; INSERT INTO archive SELECT * FROM accounts; COMMIT;', good: 'ALTER TABLE accounts ADD COLUMN x int; INSERT INTO archive SELECT * FROM accounts;', noTransaction: true },
  { rule: 'not-in-transaction', bad: 'CREATE INDEX CONCURRENTLY i ON accounts (n);', good: 'CREATE INDEX CONCURRENTLY i ON accounts (n);', noTransaction: true },
  { rule: 'not-in-transaction', bad: 'VACUUM accounts;', good: 'ANALYZE accounts;' },
]

const file = (text: string, transaction: boolean): LintFile => ({ path: 'm.up.sql', text, transaction })
const settings = (c: Case): LintSettings => ({ schema: c.schema ? [file(c.schema, true)] : [] })

async function rulesOf(text: string, c: Case, transaction: boolean): Promise<string[]> {
  const r = await lintFiles([file(text, transaction)], settings(c))
  return r.findings.map((f) => f.rule)
}

for (const c of CASES) {
  test(`${c.rule}: flags "${c.bad}" and not "${c.good}"`, async () => {
    // The bad form runs in sqlmig's transaction (some pairs differ only in that).
    assert.ok((await rulesOf(c.bad, c, true)).includes(c.rule), `${c.rule} missed`)
    assert.not.ok((await rulesOf(c.good, c, !c.noTransaction)).includes(c.rule), `${c.rule} flagged the safe form`)
  })
}

test('every rule has a true and a false positive case', () => {
  for (const id of RULE_IDS) assert.ok(CASES.some((c) => c.rule === id), `no case for ${id}`)
})

test('a finding has its place, the lock, what it blocks and the advice; sizes unknown without a database', async () => {
  const text = '-- revision: a\n-- down_revision: none\n\nCREATE INDEX i ON accounts (email);\n'
  const r = await lintFiles([file(text, true)])
  const f = r.findings.find((x) => x.rule === 'index-not-concurrent')!
  assert.equal([f.line, f.column, f.lock, f.table, f.scan, f.rewrite, f.severity, f.rows], [4, 1, 'SHARE', 'accounts', true, false, 'error', null])
  assert.match(f.blocks!, 'writes')
  assert.match(f.message, '(size unknown: no database given)')
  assert.is(f.advice.split(';')[0], 'CREATE INDEX CONCURRENTLY i ON accounts (email)')
  assert.is(f.excerpt, 'CREATE INDEX i ON accounts (email);\n^')
})

test('a small table (known size under smallTableRows) makes a lock or rewrite finding a warning; a big one keeps the error', async () => {
  const run = async (rows: number) => (await lintFiles([file('CREATE INDEX i ON accounts (email);', true)], { sizes: new Map([['accounts', rows]]), smallTableRows: 1000 })).findings[0]!
  assert.equal([(await run(10)).severity, (await run(10)).rows], ['warning', 10])
  assert.match((await run(10)).message, '(~10 rows)')
  assert.is((await run(1_000_000)).severity, 'error')
})

test('-- sqlmig-lint: ignore <rule> <reason> on the line before silences that rule there, and lists it', async () => {
  const text = 'ALTER TABLE accounts ADD COLUMN x int;\n-- sqlmig-lint: ignore rename the app reads both names (view)\nALTER TABLE accounts RENAME TO clients;\n'
  const r = await lintFiles([file(`SET lock_timeout = '1s';\n${text}`, true)])
  assert.equal(r.findings.map((f) => f.rule), [])
  assert.equal(r.ignored.map((f) => [f.rule, f.line, f.ignored?.reason]), [['rename', 4, 'the app reads both names (view)']])
})

test('rules set to "off" or another severity in the settings', async () => {
  const r = await lintFiles([file('DROP TABLE accounts; TRUNCATE users;', true)], { rules: { drop: 'error', truncate: 'off', 'lock-timeout': 'off', 'several-exclusive-locks': 'off' } })
  assert.equal(r.findings.map((f) => [f.rule, f.severity]), [['drop', 'error']])
  assert.equal([r.errors, r.warnings], [1, 0])
})

test('objects created by an earlier file of the same run are new: no lock or rewrite finding on them', async () => {
  const r = await lintFiles([file('CREATE TABLE t (a int);', true), file('ALTER TABLE t ADD COLUMN b uuid DEFAULT gen_random_uuid(); CREATE INDEX ti ON t (a); ALTER TABLE t ALTER COLUMN a TYPE bigint;', true)])
  assert.equal(r.findings, [])
})

test('lock_timeout from the header or sqlmig.json counts; SET LOCAL lasts to the end of its transaction only', async () => {
  const stmt = 'ALTER TABLE accounts ADD COLUMN x int;'
  const rules = async (f: LintFile, s: LintSettings = {}) => (await lintFiles([f], s)).findings.map((x) => x.rule)
  assert.not.ok((await rules({ ...file(stmt, true), lockTimeout: '5s' })).includes('lock-timeout'))
  assert.not.ok((await rules(file(stmt, true), { lockTimeout: '5s' })).includes('lock-timeout'))
  const local = `BEGIN; SET LOCAL lock_timeout = '1s'; ${stmt} COMMIT; ${stmt}`
  assert.equal((await lintFiles([file(local, false)])).findings.filter((f) => f.rule === 'lock-timeout').length, 1)
})

test('a statement that does not parse is a typed error with its place', async () => {
  try {
    await lintFiles([file('CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN;', true)])
    assert.unreachable('no error')
  } catch (error) {
    assert.is((error as { code?: string }).code, 'SQL_PARSE_ERROR')
    assert.match((error as Error).message, 'syntax error')
  }
})

test.run()
