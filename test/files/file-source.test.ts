/** nodeFileSource.read() reads through one shared buffer: every size reads back whole and exact. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { nodeFileSource } from '../../src/files/file-source.ts'

test('files of 0 bytes, just under, at and over the 64 KiB buffer, and of 1 MB with multi-byte characters read as readFileSync reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-file-source-'))
  try {
    const texts = ['', 'select 1;\n', 'x'.repeat(65_535), 'x'.repeat(65_536), 'x'.repeat(65_537), `${'é'.repeat(40_000)}\n-- ∑ 🐘\n`, '\ufeff-- revision: a\n', 'ab\u00e9c'.repeat(250_000)]
    texts.forEach((text, i) => writeFileSync(join(dir, `${i}.sql`), text))
    for (const [i, text] of texts.entries()) {
      const path = join(dir, `${i}.sql`)
      assert.is(nodeFileSource.read(path), text, `file ${i}`)
      assert.is(nodeFileSource.read(path), readFileSync(path, 'utf8'), `file ${i}`)
    }
    // Invalid UTF-8 turns into U+FFFD the same way.
    writeFileSync(join(dir, 'bad.sql'), Buffer.from([0x73, 0xff, 0xc3, 0x0a]))
    assert.is(nodeFileSource.read(join(dir, 'bad.sql')), readFileSync(join(dir, 'bad.sql'), 'utf8'))
    assert.throws(() => nodeFileSource.read(join(dir, 'missing.sql')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
