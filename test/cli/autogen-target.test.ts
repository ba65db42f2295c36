/**
 * Autogenerate writes SQL for the PostgreSQL version the project targets (issue 14, item 7):
 * sqlmig.json "postgresVersion", else the server behind --url, else 13. The shadow is PGlite
 * (PostgreSQL 18); the test server is PostgreSQL 15.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL, serverAvailable } from '../helpers/targets.ts'

const GRANT_ALL = 'create table t (id int);\ngrant all on table t to public;\n'
const NULLS_NOT_DISTINCT = 'create table u (a int, constraint u_a_key unique nulls not distinct (a));\n'

function ups(dir: string): string {
  const d = join(dir, 'migrations', 'versions')
  return readdirSync(d).filter((n) => n.endsWith('.up.sql')).map((n) => readFileSync(join(d, n), 'utf8')).join('\n')
}

function project(schema: string, config?: Record<string, unknown>) {
  const files: Record<string, string> = { 'migrations/schema.sql': schema, 'migrations/versions/.keep': '' }
  if (config) files['sqlmig.json'] = JSON.stringify(config)
  return tempProject(files)
}

if (await serverAvailable()) {
  test('grant all with the default target (13): no MAINTAIN, the up runs on the PostgreSQL 15 server, check converges', async () => {
    const p = project(GRANT_ALL)
    const t = await newTarget('postgres')
    try {
      let r = await runCli(['create', 'x'], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      const up = ups(p.dir)
      assert.match(up, /GRANT [A-Z, ]+ ON TABLE public\.t TO PUBLIC/)
      assert.not.match(up, /MAINTAIN/)
      r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      r = await runCli(['check'], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.match(r.stdout, 'No changes detected')
      // Against the PostgreSQL 15 database itself (its ACL has no MAINTAIN): nothing to do either.
      r = await runCli(['diff', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.not.match(r.stdout, /GRANT|REVOKE/)
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })

  test('--url at the PostgreSQL 15 server targets 15: NULLS NOT DISTINCT is written, and runs there', async () => {
    const p = project(NULLS_NOT_DISTINCT)
    const t = await newTarget('postgres')
    try {
      let r = await runCli(['create', 'x', '--url', t.url, '--shadow-url', SERVER_URL], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      assert.match(ups(p.dir), /UNIQUE NULLS NOT DISTINCT \(a\)/)
      r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      // The same server as DATABASE_URL.
      r = await runCli(['check', '--shadow-url', SERVER_URL], p.dir, { DATABASE_URL: t.url })
      assert.is(r.code, 0, r.stderr + r.stdout)
    } finally {
      await t.cleanup()
      p.cleanup()
    }
  })

  test('"postgresVersion": 14 (a number or a string) wins over the 15 server: NULLS NOT DISTINCT is a typed error naming the constraint and version 15', async () => {
    for (const config of [{ postgresVersion: 14 }, { postgresVersion: '14' }]) {
      const p = project(NULLS_NOT_DISTINCT, config)
      try {
        const r = await runCli(['create', 'x', '--url', SERVER_URL, '--shadow-url', SERVER_URL, '--json'], p.dir)
        assert.is(r.code, 1, r.stderr + r.stdout)
        const out = r.stderr + r.stdout
        assert.match(out, 'UNSUPPORTED_ON_TARGET')
        assert.match(out, 'Cannot write this migration for PostgreSQL 14: constraint public.u.u_a_key uses NULLS NOT DISTINCT, which needs PostgreSQL 15')
        assert.equal(readdirSync(join(p.dir, 'migrations', 'versions')).filter((n) => n.endsWith('.sql')), [])
      } finally {
        p.cleanup()
      }
    }
  })
}

test('"postgresVersion": "17" writes MAINTAIN for grant all, and the up runs on PGlite (18); check converges', async () => {
  const p = project(GRANT_ALL, { postgresVersion: '17' })
  try {
    let r = await runCli(['create', 'x'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(ups(p.dir), /GRANT [A-Z, ]*MAINTAIN[A-Z, ]* ON TABLE public\.t TO PUBLIC|GRANT ALL ON TABLE public\.t TO PUBLIC/)
    r = await runCli(['upgrade'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
  } finally {
    p.cleanup()
  }
})

test('without --url and postgresVersion the target is 13: NULLS NOT DISTINCT is a typed error', async () => {
  const p = project(NULLS_NOT_DISTINCT)
  try {
    // The shadow's server does not decide the target (a server shadow is faster when there is one).
    const shadow = (await serverAvailable()) ? ['--shadow-url', SERVER_URL] : []
    const r = await runCli(['create', 'x', ...shadow], p.dir)
    assert.is(r.code, 1, r.stderr + r.stdout)
    assert.match(r.stderr, 'Cannot write this migration for PostgreSQL 13: constraint public.u.u_a_key uses NULLS NOT DISTINCT, which needs PostgreSQL 15')
    assert.match(r.stderr, '"postgresVersion"')
  } finally {
    p.cleanup()
  }
})

test('"postgresVersion" outside 13..18 is a usage error', async () => {
  const p = project(GRANT_ALL, { postgresVersion: 12 })
  try {
    const r = await runCli(['check'], p.dir)
    assert.is(r.code, 2, r.stderr + r.stdout)
    assert.match(r.stderr, '"postgresVersion" in sqlmig.json must be a PostgreSQL major version from 13 to 18')
  } finally {
    p.cleanup()
  }
})

test.run()
