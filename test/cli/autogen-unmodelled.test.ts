/**
 * Issue 14, item 9, as a user meets it: schema.sql declares what sqlmig does not model (an
 * operator class, an operator family, a text search template and parser). `check` must fail
 * naming each, `create` must write a comment where the statement belongs and warn on stderr,
 * `diff` must show it; once the migration is written by hand, `check` passes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { scratchTarget, SERVER_URL, serverAvailable } from '../helpers/targets.ts'

const BY_HAND = `create function my_cmp(int, int) returns int language sql immutable as 'select case when $1 < $2 then -1 when $1 > $2 then 1 else 0 end';
create operator class my_int_ops for type int using btree as operator 1 <, operator 2 <=, operator 3 =, operator 4 >=, operator 5 >, function 1 my_cmp(int, int);
create operator family my_fam using hash;
create text search template my_tmpl (init = dsimple_init, lexize = dsimple_lexize);
create text search parser my_prs (start = prsd_start, gettoken = prsd_nexttoken, end = prsd_end, lextypes = prsd_lextype, headline = prsd_headline);
`
const SCHEMA = `create table t (id int);\n${BY_HAND}`
const LINES = [
  'sqlmig does not model operator class public.my_int_ops USING btree (added): write it by hand',
  'sqlmig does not model operator family public.my_fam USING hash (added): write it by hand',
  'sqlmig does not model text search parser public.my_prs (added): write it by hand',
  'sqlmig does not model text search template public.my_tmpl (added): write it by hand',
]

const versions = (dir: string) => join(dir, 'migrations', 'versions')

test('check fails naming what sqlmig does not model, create writes comments and warns, diff shows them, check passes once written by hand', async () => {
  const p = tempProject({ 'migrations/schema.sql': SCHEMA, 'migrations/versions/.keep': '' })
  const shadow = (await serverAvailable()) ? ['--shadow-url', SERVER_URL] : []
  try {
    // The default PGlite shadows.
    let r = await runCli(['check'], p.dir)
    assert.is(r.code, 1, r.stderr + r.stdout)
    for (const l of LINES) assert.match(r.stdout, l)
    assert.match(r.stdout, '6 changes between the migrations and the declared schema: run "sqlmig create <message>" (4 not modelled by sqlmig: write those in the migration by hand)')

    r = await runCli(['check', '--json', ...shadow], p.dir)
    assert.is(r.code, 1, r.stderr + r.stdout)
    const out = JSON.parse(r.stdout) as { ok: boolean; changes: { kind: string; detected: string; unmodelled: boolean; destructive: boolean }[] }
    assert.is(out.ok, false)
    assert.equal(out.changes.filter((c) => c.unmodelled).map((c) => c.detected), LINES)
    assert.ok(out.changes.filter((c) => c.unmodelled).every((c) => c.kind === 'not modelled' && c.destructive === false))
    assert.ok(out.changes.some((c) => c.detected === 'Detected added table public.t' && c.unmodelled === false))

    r = await runCli(['create', 'first', ...shadow], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    for (const l of LINES) assert.match(r.stderr, `warning: ${l}`)
    const upName = readdirSync(versions(p.dir)).find((n) => n.endsWith('_first.up.sql'))!
    const up = readFileSync(join(versions(p.dir), upName), 'utf8')
    for (const l of LINES) assert.match(up, `\n-- ${l}\n`)
    // Each comment stands where the statement belongs: after the function it needs.
    assert.ok(up.indexOf('CREATE OR REPLACE FUNCTION public.my_cmp') < up.indexOf('-- sqlmig does not model operator class'), up)
    const downName = upName.replace('.up.sql', '.down.sql')
    assert.match(readFileSync(join(versions(p.dir), downName), 'utf8'), '-- sqlmig does not model operator class public.my_int_ops USING btree (removed): write it by hand')

    // The generated migration does not build them: check still fails, on them alone.
    r = await runCli(['check', '--json', ...shadow], p.dir)
    assert.is(r.code, 1, r.stdout)
    assert.equal((JSON.parse(r.stdout) as typeof out).changes.map((c) => c.detected), LINES)

    // diff against a database the generated migration built shows them too.
    const t = await scratchTarget()
    try {
      r = await runCli(['upgrade', '--url', t.url], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      r = await runCli(['diff', '--url', t.url, ...shadow], p.dir)
      assert.is(r.code, 0, r.stderr + r.stdout)
      for (const l of LINES) assert.match(r.stdout, `-- ${l}`)
      r = await runCli(['diff', '--url', t.url, '--json', ...shadow], p.dir)
      assert.equal((JSON.parse(r.stdout) as typeof out).changes.filter((c) => c.unmodelled).length, 4)
    } finally {
      await t.cleanup()
    }

    // Written by hand (the function is already there), the migrations build the declared schema.
    writeFileSync(join(versions(p.dir), upName), `${up}\n${BY_HAND.split('\n').slice(1).join('\n')}`)
    r = await runCli(['check', ...shadow], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')
  } finally {
    p.cleanup()
  }
})

test.run()
