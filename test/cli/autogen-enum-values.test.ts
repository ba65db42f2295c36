/**
 * An enum value added and used (issue 16): `create` does not rebuild the type; it writes the
 * ADD VALUE as a migration of its own, `transaction: false`, before the migration that uses it,
 * so one `upgrade` from a fresh database runs them all (PostgreSQL refuses a new enum value in
 * the transaction that added it). Shadows and databases on the server (the subject is the SQL).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL } from '../helpers/targets.ts'

const versions = (dir: string) => readdirSync(join(dir, 'migrations', 'versions')).filter((f) => f.endsWith('.sql')).sort()
const read = (dir: string, name: string) => readFileSync(join(dir, 'migrations', 'versions', name), 'utf8')

test('an enum value added and used as a default: ADD VALUE in a transaction: false migration first, one upgrade runs both', async () => {
  const p = tempProject({ 'sqlmig.json': JSON.stringify({ dir: 'migrations', shadowUrl: SERVER_URL }), 'migrations/schema.sql': '', 'migrations/versions/.keep': '' })
  const db = await newTarget('postgres')
  try {
    const schema = (s: string) => writeFileSync(join(p.dir, 'migrations', 'schema.sql'), s)
    schema("create type mood as enum ('a', 'b'); create table t (id int primary key, m mood default 'a');")
    let r = await runCli(['create', 'first'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    schema("create type mood as enum ('a', 'b', 'c'); create table t (id int primary key, m mood default 'c', n int);")
    r = await runCli(['create', 'Use c', '--json'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    const out = JSON.parse(r.stdout)
    const files = versions(p.dir)
    assert.is(files.length, 6, files.join('\n'))
    const values = files.filter((f) => f.includes('_use_c_enum_values.'))
    assert.is(values.length, 2, files.join('\n'))
    const [valuesDown, valuesUp] = values
    assert.ok(out.enumValues.up.endsWith(valuesUp), r.stdout)
    assert.equal(out.down_revision, [out.enumValues.revision])
    const up = read(p.dir, valuesUp!)
    assert.match(up, /-- message: Use c \(enum values\)\n.*\n-- transaction: false\n/)
    assert.match(up, "ALTER TYPE public.mood ADD VALUE 'c' AFTER 'b';")
    assert.not.match(up, 'CREATE TABLE')
    // Its down rebuilds the type, in a transaction of its own.
    const down = read(p.dir, valuesDown!)
    assert.not.match(down, 'transaction')
    assert.match(down, 'ALTER TYPE public.mood RENAME TO')
    const rest = read(p.dir, files.find((f) => f.endsWith('_use_c.up.sql'))!)
    assert.not.match(rest, 'transaction: false')
    assert.not.match(rest, /RENAME|CREATE TYPE/)
    assert.match(rest, "SET DEFAULT 'c'::public.mood")

    // One upgrade from a fresh database (one transaction by default), down to base, up again.
    r = await runCli(['upgrade', '--url', db.url], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['downgrade', 'base', '--url', db.url], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['upgrade', '--url', db.url], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['check'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)

    // A value alone: one migration, outside a transaction (a later one may use it).
    schema("create type mood as enum ('a', 'b', 'c', 'd'); create table t (id int primary key, m mood default 'c', n int);")
    r = await runCli(['create', 'Add d'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    const added = versions(p.dir).filter((f) => f.includes('_add_d.'))
    assert.is(added.length, 2)
    assert.match(read(p.dir, added[1]!), /-- transaction: false\n\n-- Detected changed enum public.mood \(added values 'd'\)\nALTER TYPE public.mood ADD VALUE 'd' AFTER 'c';\n$/)
    assert.not.match(read(p.dir, added[0]!), 'transaction')
    schema("create type mood as enum ('a', 'b', 'c', 'd'); create table t (id int primary key, m mood default 'd', n int);")
    r = await runCli(['create', 'Use d'], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
    r = await runCli(['upgrade', '--url', db.url], p.dir)
    assert.is(r.code, 0, r.stderr + r.stdout)
  } finally {
    await db.cleanup()
    p.cleanup()
  }
})

test.run()
