/**
 * In-memory PGlite instances (the shadows of create/check/diff, verify, rehearse copies) start
 * from a cached empty cluster instead of running initdb, with small shared buffers. The cache is
 * only a speed-up: one that is missing, damaged or cannot be written changes nothing a user sees.
 * Each case names its own cache directory (SQLMIG_CACHE_DIR), real PGlite, through openDatabase
 * and through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { clusterImagePath } from '../../src/db/pglite-image.ts'
import { runCli, tempProject } from '../helpers/cli.ts'

function cacheDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-cache-'))
  process.env.SQLMIG_CACHE_DIR = dir
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

async function usable(): Promise<string> {
  const db = await openDatabase('pglite:memory')
  try {
    await db.exec('create table t (id int primary key); insert into t values (1)')
    const rows = await db.query<{ shared_buffers: string }>('show shared_buffers')
    return rows[0]!.shared_buffers
  } finally {
    await db.close()
  }
}

const isGzip = (path: string) => {
  const b = readFileSync(path)
  return b[0] === 0x1f && b[1] === 0x8b
}

test('the first in-memory instance writes the empty cluster to the cache; the next ones start from it, with 16MB of shared buffers', async () => {
  const c = cacheDir()
  try {
    const path = clusterImagePath()!
    assert.ok(path.startsWith(c.dir), path)
    assert.match(path, /pglite-0\.\d+\.\d+-empty-cluster\.tar\.gz$/)
    assert.is(await usable(), '16MB')
    assert.ok(isGzip(path), 'a gzip tarball was written')
    const first = statSync(path)
    assert.is(await usable(), '16MB')
    const second = statSync(path)
    assert.is(second.mtimeMs, first.mtimeMs, 'the image was read, not written again')
    // A data directory is the user's database: it is not started from the scratch image nor shrunk.
    const data = mkdtempSync(join(tmpdir(), 'sqlmig-pgdata-'))
    try {
      const db = await openDatabase(`pglite:${data}/db`)
      assert.is((await db.query<{ shared_buffers: string }>('show shared_buffers'))[0]!.shared_buffers, '128MB')
      await db.close()
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  } finally {
    c.cleanup()
  }
})

test('a damaged image is discarded and replaced; an unwritable cache directory only means initdb each time', async () => {
  const c = cacheDir()
  try {
    const path = clusterImagePath()!
    writeFileSync(path, 'not a tarball')
    assert.is(await usable(), '16MB')
    assert.ok(isGzip(path), 'the damaged image was replaced by a real one')
    // A regular file where the cache directory should be: nothing can be written under it.
    const blocked = join(c.dir, 'blocked')
    writeFileSync(blocked, '')
    process.env.SQLMIG_CACHE_DIR = join(blocked, 'cache')
    assert.is(await usable(), '16MB')
    assert.is(await usable(), '16MB')
  } finally {
    c.cleanup()
  }
})

/** What a data directory's server runs with, and whether a row written earlier is there. */
async function dataDirState(dir: string, write: boolean): Promise<string> {
  const db = await openDatabase(`pglite:${dir}`)
  try {
    if (write) await db.exec('create table kept (id int); insert into kept values (7)')
    const rows = await db.query<{ s: string }>(
      `select string_agg(name || '=' || setting, ' ' order by name) || ' kept=' || (select string_agg(id::text, ',') from kept) as s
         from pg_settings where name in ('max_wal_size', 'min_wal_size', 'shared_buffers', 'wal_segment_size', 'TimeZone', 'DateStyle')`,
    )
    return rows[0]!.s
  } finally {
    await db.close()
  }
}

test('a new data directory starts from the data-directory image, the same cluster initdb makes; a refused image means initdb', async () => {
  const c = cacheDir()
  const data = mkdtempSync(join(tmpdir(), 'sqlmig-pgdata-'))
  try {
    const path = clusterImagePath('datadir')!
    assert.match(path, /pglite-0\.\d+\.\d+-data-directory\.tar\.gz$/)
    // The first is made by initdb and dumped before anything runs in it.
    const first = await dataDirState(join(data, 'one'), true)
    assert.ok(isGzip(path), 'the data-directory image was written')
    const made = statSync(path).mtimeMs
    const second = await dataDirState(join(data, 'two'), true)
    assert.is(statSync(path).mtimeMs, made, 'the image was read, not written again')
    assert.is(second, first)
    assert.match(first, 'max_wal_size=1024 min_wal_size=80 shared_buffers=16384')
    assert.match(first, 'wal_segment_size=16777216 kept=7')
    // Reopened, each keeps what was written in it (not the image's empty state).
    assert.is(await dataDirState(join(data, 'two'), false), second)
    // An image PGlite refuses (in a cache directory not read yet) is discarded; that directory
    // is made by initdb instead, and its fresh cluster replaces the image.
    const other = cacheDir()
    try {
      writeFileSync(clusterImagePath('datadir')!, 'not a tarball')
      assert.is(await dataDirState(join(data, 'three'), true), first)
      assert.ok(isGzip(clusterImagePath('datadir')!), 'the refused image was replaced')
    } finally {
      other.cleanup()
    }
  } finally {
    rmSync(data, { recursive: true, force: true })
    c.cleanup()
  }
})

test('sqlmig check through the CLI writes the image into SQLMIG_CACHE_DIR and still says no changes', async () => {
  const c = cacheDir()
  const p = tempProject({ 'migrations/schema.sql': 'create table t (id int primary key);', 'migrations/versions/.keep': '' })
  try {
    let r = await runCli(['create', 'first'], p.dir, { SQLMIG_CACHE_DIR: c.dir })
    assert.is(r.code, 0, r.stderr)
    assert.ok(isGzip(clusterImagePath()!))
    r = await runCli(['check'], p.dir, { SQLMIG_CACHE_DIR: c.dir })
    assert.is(r.code, 0, r.stderr + r.stdout)
    assert.match(r.stdout, 'No changes detected')
  } finally {
    p.cleanup()
    c.cleanup()
  }
})

test.run()
