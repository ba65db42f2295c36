/**
 * Issue 17: a real-size history (200 migrations) in each file-based format, generated from one
 * list of migrations with the markers that matter (every 20th runs outside a transaction with
 * CREATE INDEX CONCURRENTLY, every 7th has a $$ function body with semicolons, every 25th (from the first) has
 * no down). Each imports in order as one chain with the right markers, and on the server the
 * five imported histories build one and the same schema. (sqitch and Alembic: their own files.)
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importHistory } from '../../src/commands/import.ts'
import { runCli, tempProject } from '../helpers/cli.ts'
import { adminExec, serverAvailable, serverUrlFor, uniqueName } from '../helpers/targets.ts'
import { dumpSchema } from './helpers.ts'

const N = 200

interface Generated {
  up: string
  down: string | undefined
  outside: boolean
  fn: boolean
}

function migration(i: number): Generated {
  if (i % 20 === 0) return { up: `CREATE INDEX CONCURRENTLY t${i - 1}_v ON t${i - 1} (v);\n`, down: i % 25 === 1 ? undefined : `DROP INDEX CONCURRENTLY t${i - 1}_v;\n`, outside: true, fn: false }
  if (i % 7 === 0) {
    return {
      up: `CREATE TABLE t${i} (id int PRIMARY KEY, v text);\nCREATE FUNCTION f${i}() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1; -- a ; here\n  RETURN ${i};\nEND;\n$$;\n`,
      down: i % 25 === 1 ? undefined : `DROP FUNCTION f${i}();\nDROP TABLE t${i};\n`,
      outside: false,
      fn: true,
    }
  }
  return { up: `CREATE TABLE t${i} (id int PRIMARY KEY, v text);\nCOMMENT ON TABLE t${i} IS 'migration ${i}; generated';\n`, down: i % 25 === 1 ? undefined : `DROP TABLE t${i};\n`, outside: false, fn: false }
}

const pad = (i: number, n: number) => String(i).padStart(n, '0')
const stamp = (i: number) => `20240101${pad(Math.floor(i / 3600), 2)}${pad(Math.floor(i / 60) % 60, 2)}${pad(i % 60, 2)}`

const FORMATS: Record<string, (i: number, m: Generated) => Record<string, string>> = {
  'golang-migrate': (i, m) => ({ [`${pad(i, 6)}_m${i}.up.sql`]: m.up, ...(m.down ? { [`${pad(i, 6)}_m${i}.down.sql`]: m.down } : {}) }),
  dbmate: (i, m) => ({
    [`${stamp(i)}_m${i}.sql`]: `-- migrate:up${m.outside ? ' transaction:false' : ''}\n${m.up}\n-- migrate:down${m.outside ? ' transaction:false' : ''}\n${m.down ?? ''}`,
  }),
  goose: (i, m) => {
    const wrap = (sql: string) => (m.fn ? `-- +goose StatementBegin\n${sql}-- +goose StatementEnd\n` : sql)
    return { [`${pad(i, 5)}_m${i}.sql`]: `${m.outside ? '-- +goose NO TRANSACTION\n' : ''}-- +goose Up\n${wrap(m.up)}${m.down ? `\n-- +goose Down\n${wrap(m.down)}` : ''}` }
  },
  flyway: (i, m) => ({
    [`V${i}__m${i}.sql`]: m.up,
    ...(m.down ? { [`U${i}__m${i}.sql`]: m.down } : {}),
    ...(m.outside ? { [`V${i}__m${i}.sql.conf`]: 'executeInTransaction=false\n' } : {}),
  }),
  'node-pg-migrate': (i, m) => ({ [`${1700000000000 + i * 1000}_m${i}.sql`]: `-- Up Migration\n${m.up}${m.down ? `\n-- Down Migration\n${m.down}` : ''}` }),
}

test(`each format: ${N} migrations import as one chain with their markers; on the server all five build the same schema`, async () => {
  const server = await serverAvailable()
  const schemas: Record<string, string> = {}
  for (const [tool, files] of Object.entries(FORMATS)) {
    const all: Record<string, string> = {}
    for (let i = 1; i <= N; i++) for (const [name, text] of Object.entries(files(i, migration(i)))) all[`old/${name}`] = text
    const p = tempProject(all)
    try {
      const started = Date.now()
      const r = importHistory(`${p.dir}/old`, { from: tool, cwd: p.dir })
      const ms = Date.now() - started
      console.log(`  ${tool}: ${N} migrations imported in ${ms} ms`)
      assert.is(r.imported.length, N, tool)
      r.imported.forEach((m, i) => assert.equal(m.down_revision, i === 0 ? [] : [r.imported[i - 1]!.revision], `${tool} #${i + 1}`))
      assert.is(r.imported.filter((m) => !m.transaction).length, N / 20, `${tool}: outside a transaction`)
      assert.is(r.imported.filter((m) => m.irreversible).length, N / 25, `${tool}: irreversible`)
      if (!server) continue
      const db = uniqueName(`sqlmig_big_${tool.replace(/-/g, '_')}`)
      await adminExec(`create database ${db}`)
      try {
        const t0 = Date.now()
        const up = await runCli(["upgrade", "--url", serverUrlFor(db)], p.dir)
        console.log(`  ${tool}: upgrade ${Date.now() - t0} ms`)
        assert.is(up.code, 0, up.stderr)
        schemas[tool] = dumpSchema(serverUrlFor(db), { excludeTables: ['sqlmig_version'] })
      } finally {
        await adminExec(`drop database if exists ${db} with (force)`)
      }
    } finally {
      p.cleanup()
    }
  }
  if (!server) return
  assert.ok(schemas['dbmate']!.includes(`f${N - 4}()`) && schemas['dbmate']!.includes(`t${N - 1}_v`))
  for (const tool of Object.keys(FORMATS)) assert.fixture(schemas[tool]!, schemas['golang-migrate']!, tool)
})

test.run()
