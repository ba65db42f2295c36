/**
 * The file index (src/files/file-index.ts), on real files: a second load takes unchanged files
 * from it without opening them, and gives the same scripts; any edit is read again (a restored
 * mtime still moves ctime; a file changed within RACY_MS of the scan is never recorded, which
 * a file system with coarse timestamps and no ctime needs); deleted and renamed files are seen;
 * a corrupt index is ignored and replaced; an unwritable cache directory only means no index;
 * a file with a load-time problem is never recorded; a file edited after the load is refused
 * when its text is used. The clock is moved on instead of waiting RACY_MS.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FileIndex, type FileIndexOptions, MAX_INDEXES, RACY_MS } from '../../src/files/file-index.ts'
import { type FileSource, nodeFileSource } from '../../src/files/file-source.ts'
import { checksumOf, type Script } from '../../src/files/script.ts'
import { loadScripts } from '../../src/files/script-directory.ts'
import { chain, migrationFiles } from '../helpers/cli.ts'

const SPECS = chain([
  { revision: 'fi0000000001', up: 'create table t1 (id int);', down: 'drop table t1;' },
  { revision: 'fi0000000002', up: 'create table t2 (id int);', down: 'drop table t2;', downHeader: '-- lock_timeout: 5s' },
  { revision: 'fi0000000003', up: 'create index concurrently t3 on t2 (id);', down: 'drop index t3;', upHeader: '-- transaction: false' },
])
const UP2 = 'versions/0002_fi0000000002.up.sql'
const LATER = () => Date.now() + 10 * RACY_MS

interface Fixture {
  dir: string
  cache: string
  /** Loads through a file source that counts the files it reads. */
  load(options?: FileIndexOptions): { scripts: Script[]; reads: number }
  path(rel: string): string
  cleanup(): void
}

function fixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'sqlmig-file-index-'))
  const dir = join(root, 'migrations')
  for (const [rel, text] of Object.entries(migrationFiles(SPECS))) {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  const cache = join(root, 'cache')
  return {
    dir,
    cache,
    load(options = { now: LATER }) {
      let reads = 0
      const source: FileSource = {
        ...nodeFileSource,
        read: (path) => (reads++, nodeFileSource.read(path)),
        openIndex: (folder) => FileIndex.open(folder, { cacheDir: cache, ...options }),
      }
      const scripts = loadScripts(source, dir)
      return { scripts, reads }
    },
    path: (rel) => join(dir, rel),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** What a load gives for each script, text included (read when asked for). */
const summary = (scripts: Script[]) => scripts.map((s) => ({
  id: s.id, parents: s.parents, message: s.message, createdAt: s.createdAt, checksum: s.checksum, line: s.line, source: s.source,
  up: { path: s.up.path, text: s.up.text, transaction: s.up.transaction, lockTimeout: s.up.lockTimeout, statementTimeout: s.up.statementTimeout },
  down: { path: s.down.path, text: s.down.text, transaction: s.down.transaction, lockTimeout: s.down.lockTimeout, irreversible: s.down.irreversible, nothingToUndo: s.down.nothingToUndo },
}))

function refusal(run: () => unknown): Error & { code?: string } {
  try {
    run()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('not refused')
}

test('a second load takes every unchanged file from the index (none is opened) and gives the same scripts, texts read when asked for', () => {
  const f = fixture()
  try {
    const first = f.load()
    assert.is(first.reads, 6)
    const second = f.load()
    assert.is(second.reads, 0, 'no file read')
    assert.equal(summary(second.scripts), summary(first.scripts))
    assert.is(second.scripts[1]!.down.lockTimeout, '5s')
    assert.is(second.scripts[2]!.up.transaction, false)
    assert.is(second.scripts[1]!.up.text, readFileSync(f.path(UP2), 'utf8'))
    assert.is(f.load().reads, 0, 'and again')
  } finally {
    f.cleanup()
  }
})

test('an edit of the same size with the mtime set back (utimes) is read again: ctime moved', async () => {
  const f = fixture()
  try {
    const path = f.path(UP2)
    // A whole second, which utimes sets back exactly (as `touch -r` or a checkout would).
    const old = new Date(1_700_000_000_000)
    utimesSync(path, old, old)
    const before = f.load().scripts[1]!.checksum
    // The index was told RACY_MS went by; the file system's clock must move on too, or the edit
    // below lands in the same tick of the kernel's coarse clock (the racy case: same ctime).
    await new Promise((resolve) => setTimeout(resolve, 50))
    const { size } = statSync(path)
    const edited = readFileSync(path, 'utf8').replace('t2 (id int)', 't2 (id INT)')
    writeFileSync(path, edited)
    utimesSync(path, old, old)
    assert.is(statSync(path).size, size)
    assert.is(statSync(path).mtimeMs, old.getTime())
    const after = f.load()
    assert.is(after.reads, 1, 'only the edited file')
    assert.is(after.scripts[1]!.checksum, checksumOf(edited))
    assert.is.not(after.scripts[1]!.checksum, before)
  } finally {
    f.cleanup()
  }
})

test('on a file system with whole-second mtimes and no ctime, a file changed within RACY_MS of the scan is not recorded, so an edit in the same second is seen', () => {
  const f = fixture()
  // The stamp such a file system gives: size and mtime in whole seconds.
  const coarse = (path: string) => {
    const s = statSync(path)
    return { key: `${s.size}:${Math.floor(s.mtimeMs / 1000)}`, changedMs: Math.floor(s.mtimeMs / 1000) * 1000 }
  }
  try {
    const path = f.path(UP2)
    const second = new Date(Math.floor(Date.now() / 1000) * 1000)
    utimesSync(path, second, second)
    const first = f.load({ stamp: coarse })
    assert.is(first.reads, 6)
    // Edited within the same second, same size, same mtime: the coarse stamp is unchanged.
    const edited = readFileSync(path, 'utf8').replace('t2 (id int)', 't2 (id INT)')
    writeFileSync(path, edited)
    utimesSync(path, second, second)
    const after = f.load({ stamp: coarse })
    assert.is(after.scripts[1]!.checksum, checksumOf(edited), 'the edit is seen')
    // The other files are old enough by the clock the test moved on (RACY_MS later): those are taken from the index.
    assert.ok(f.load({ stamp: coarse, now: LATER }).reads >= 1)
    assert.is(f.load({ stamp: coarse, now: LATER }).reads, 0)
  } finally {
    f.cleanup()
  }
})

test('a deleted file and a renamed file are seen at the next load', () => {
  const f = fixture()
  try {
    f.load()
    const down2 = f.path('versions/0002_fi0000000002.down.sql')
    const text = readFileSync(down2, 'utf8')
    rmSync(down2)
    const e = refusal(() => f.load())
    assert.is(e.code, 'MISSING_DOWN_FILE')
    writeFileSync(down2, text)
    // Renamed: the same text under a new name is read (a new name), the old name is gone.
    renameSync(f.path('versions/0003_fi0000000003.up.sql'), f.path('versions/0003_renamed.up.sql'))
    const renamed = f.load()
    assert.is(renamed.scripts[2]!.up.path, f.path('versions/0003_renamed.up.sql'))
    rmSync(f.path('versions/0003_renamed.up.sql'))
    rmSync(f.path('versions/0003_fi0000000003.down.sql'))
    assert.equal(f.load().scripts.map((s) => s.id), ['fi0000000001', 'fi0000000002'])
  } finally {
    f.cleanup()
  }
})

test('a corrupt index, or a malformed line in it, is ignored (the files are read) and replaced', () => {
  const f = fixture()
  try {
    const expected = summary(f.load().scripts)
    const [name] = readdirSync(join(f.cache, 'file-index'))
    const index = join(f.cache, 'file-index', name!)
    const good = readFileSync(index, 'utf8')
    writeFileSync(index, '\u0000garbage\n\tx\n')
    const read = f.load()
    assert.is(read.reads, 6)
    assert.equal(summary(read.scripts), expected)
    assert.is(f.load().reads, 0, 'replaced')
    // A line whose stamp matches but whose record is cut short: that file is read.
    writeFileSync(index, good.replace(/(0002_fi0000000002\.up\.sql\t[^\t]+\tu)\t[^\n]*/, '$1'))
    const cut = f.load()
    assert.is(cut.reads, 1)
    assert.equal(summary(cut.scripts), expected)
  } finally {
    f.cleanup()
  }
})

test('a cache directory that cannot be written (under a file): every load reads the files and works', () => {
  const f = fixture()
  try {
    writeFileSync(f.cache, 'a file, not a folder')
    const first = f.load({ now: LATER, cacheDir: join(f.cache, 'sub') })
    assert.is(first.reads, 6)
    assert.is(f.load({ now: LATER, cacheDir: join(f.cache, 'sub') }).reads, 6)
  } finally {
    f.cleanup()
  }
})

test('a file with a load-time problem is never recorded: it is read and refused at every load', () => {
  const f = fixture()
  try {
    const path = f.path('versions/0003_fi0000000003.up.sql')
    writeFileSync(path, readFileSync(path, 'utf8').replace('-- transaction: false\n', ''))
    assert.is(refusal(() => f.load()).code, 'NOT_IN_TRANSACTION')
    assert.is(refusal(() => f.load()).code, 'NOT_IN_TRANSACTION', 'again')
  } finally {
    f.cleanup()
  }
})

test('a file edited after the load is refused when its text is used (FILE_CHANGED_WHILE_RUNNING), not run unchecked', () => {
  const f = fixture()
  try {
    f.load()
    const { scripts } = f.load()
    writeFileSync(f.path(UP2), readFileSync(f.path(UP2), 'utf8').replace('t2 (id int)', 't2 (id bigint)'))
    const e = refusal(() => scripts[1]!.up.text)
    assert.is(e.code, 'FILE_CHANGED_WHILE_RUNNING')
    assert.is(e.message, `Cannot use "${f.path(UP2)}": it changed after sqlmig read the migrations folder`)
    rmSync(f.path('versions/0001_fi0000000001.down.sql'))
    assert.is(refusal(() => scripts[0]!.down.text).code, 'FILE_CHANGED_WHILE_RUNNING', 'a deleted file too')
    assert.is(scripts[2]!.up.text, readFileSync(f.path('versions/0003_fi0000000003.up.sql'), 'utf8'), 'an unchanged one reads')
  } finally {
    f.cleanup()
  }
})

test('writing an index removes the least recently written beyond MAX_INDEXES (the indexes of deleted temporary folders, of old builds)', () => {
  const f = fixture()
  try {
    const folder = join(f.cache, 'file-index')
    mkdirSync(folder, { recursive: true })
    for (let i = 0; i < MAX_INDEXES + 8; i++) {
      writeFileSync(join(folder, `old-${String(i).padStart(2, '0')}.tsv`), 'x')
      utimesSync(join(folder, `old-${String(i).padStart(2, '0')}.tsv`), new Date(1_600_000_000_000 + i * 1000), new Date(1_600_000_000_000 + i * 1000))
    }
    f.load()
    const left = readdirSync(folder).sort()
    assert.is(left.length, MAX_INDEXES)
    assert.ok(!left.includes('old-08.tsv') && left.includes('old-09.tsv'), left.join(' '))
    assert.is(f.load().reads, 0, 'the new one is kept')
  } finally {
    f.cleanup()
  }
})

test('SQLMIG_FILE_INDEX=off: no index is opened', () => {
  const saved = process.env.SQLMIG_FILE_INDEX
  const f = fixture()
  try {
    process.env.SQLMIG_FILE_INDEX = 'off'
    assert.is(FileIndex.open(f.dir), undefined)
    process.env.SQLMIG_FILE_INDEX = '1'
    assert.ok(FileIndex.open(f.dir, { cacheDir: f.cache }))
  } finally {
    if (saved === undefined) delete process.env.SQLMIG_FILE_INDEX
    else process.env.SQLMIG_FILE_INDEX = saved
    f.cleanup()
  }
})

test.run()
