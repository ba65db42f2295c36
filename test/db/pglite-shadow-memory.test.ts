/**
 * What keeps the memory of in-memory PGlite instances (the shadows of create/check/diff) down
 * (bench/shadow.ts, bench/README.md): V8 compiles PGlite's WASM with its baseline compiler only,
 * on Node and never on Deno; the empty cluster has 1 MB WAL segments; loadTexts checkpoints
 * during a long load, so its WAL does not stay in memory. Real PGlite; each case names its own
 * cache directory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { applyPgliteWasmFlags, PGLITE_WASM_FLAGS } from '../../src/db/pglite.ts'
import { loadTexts } from '../../src/schema/shadow.ts'

function cacheDir(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-cache-'))
  process.env.SQLMIG_CACHE_DIR = dir
  return () => rmSync(dir, { recursive: true, force: true })
}

test('the WASM flags are set once, on Node only, before the first instance', () => {
  const set: string[] = []
  const g = globalThis as { Deno?: unknown }
  g.Deno = {}
  try {
    assert.is(applyPgliteWasmFlags((f) => set.push(f)), false)
    assert.equal(set, [])
  } finally {
    delete g.Deno
  }
  assert.equal(PGLITE_WASM_FLAGS, ['--liftoff-only'])
  assert.is(applyPgliteWasmFlags((f) => set.push(f)), true)
  assert.equal(set, ['--liftoff-only'])
  assert.is(applyPgliteWasmFlags((f) => set.push(f)), false)
  assert.equal(set, ['--liftoff-only'])
})

const wal = `select current_setting('wal_segment_size') as seg, current_setting('min_wal_size') as min,
  sum(size)::int as bytes from pg_ls_waldir()`

test('a shadow of 600 tables keeps 4 MB of WAL in memory: 1 MB segments, a checkpoint every 250 statements', async () => {
  const cleanup = cacheDir()
  const db = await openDatabase('pglite:memory')
  try {
    const sql = Array.from({ length: 600 }, (_, i) => `create table t${i} (id int primary key, a text unique, b int);`).join('\n')
    await loadTexts(db, [{ name: 'many.sql', sql }], 'migration')
    const [row] = await db.query<{ seg: string; min: string; bytes: number }>(wal)
    assert.is(row!.seg, '1MB')
    assert.is(row!.min, '2MB')
    // Without the checkpoints: 13 MB.
    assert.ok(row!.bytes <= 6 * 1024 * 1024, `${row!.bytes} bytes of WAL`)
    const [count] = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'")
    assert.is(count!.n, 600)
  } finally {
    await db.close()
    cleanup()
  }
})

test('no checkpoint while the texts run as a role that is not a superuser: the load goes through', async () => {
  const cleanup = cacheDir()
  const db = await openDatabase('pglite:memory')
  try {
    const tables = Array.from({ length: 300 }, (_, i) => `create table app.t${i} (id int);`).join('\n')
    const sql = `create role app;\ncreate schema app authorization app;\nset role app;\n${tables}\nreset role;`
    await loadTexts(db, [{ name: 'as-app.sql', sql }], 'migration')
    const [row] = await db.query<{ n: number; owner: string }>(
      "select count(*)::int as n, min(tableowner) as owner from pg_tables where schemaname = 'app'")
    assert.equal(row, { n: 300, owner: 'app' })
  } finally {
    await db.close()
    cleanup()
  }
})

test('an in-memory copy of a data directory (16 MB segments) opens with the default WAL sizes', async () => {
  const cleanup = cacheDir()
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-walseg-'))
  try {
    const source = await openDatabase(`pglite:${dir}`)
    await source.exec('create table kept (id int primary key); insert into kept values (1)')
    await source.close()
    const { prepareCopy } = await import('../../src/db/copy.ts')
    const copy = await prepareCopy(`pglite:${dir}`)
    await copy.create()
    const db = await copy.open()
    try {
      const [row] = await db.query<{ seg: string; min: string }>(wal)
      assert.is(row!.seg, '16MB')
      assert.is(row!.min, '80MB')
      assert.equal(await db.query('select id from kept'), [{ id: 1 }])
    } finally {
      await db.close()
      await copy.drop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    cleanup()
  }
})

test.run()
