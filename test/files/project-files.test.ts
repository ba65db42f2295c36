/** The project's files outside the script directory, on a real temporary folder. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendText, readSqlFiles, readTextIfExists, writeFileAtomically } from '../../src/files/project-files.ts'

function withFolder(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-project-files-'))
  try {
    fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('readTextIfExists() reads a file, and is undefined when nothing is there', () => withFolder((dir) => {
  writeFileSync(join(dir, 'a.json'), '{"x": 1}\n')
  assert.is(readTextIfExists(join(dir, 'a.json')), '{"x": 1}\n')
  assert.is(readTextIfExists(join(dir, 'missing.json')), undefined)
}))

test('readSqlFiles() reads one file, or the .sql files of a folder in name order, and is undefined when missing', () => withFolder((dir) => {
  writeFileSync(join(dir, 'one.sql'), 'select 1;')
  assert.equal(readSqlFiles(join(dir, 'one.sql')), [{ path: join(dir, 'one.sql'), sql: 'select 1;' }])
  const folder = join(dir, 'schema')
  mkdirSync(folder)
  // Written out of order; the result is by name (Node's readdir happens to sort too, Deno's need not).
  for (const name of ['20_b.sql', '10_a.sql', '30_c.sql', '05_0.sql']) writeFileSync(join(folder, name), name.slice(3, 4))
  writeFileSync(join(folder, 'notes.txt'), 'not sql')
  writeFileSync(join(folder, '3_c.SQL.bak'), 'not sql either')
  assert.equal(readSqlFiles(folder), ['05_0.sql', '10_a.sql', '20_b.sql', '30_c.sql'].map((name) => ({ path: join(folder, name), sql: name.slice(3, 4) })))
  assert.is(readSqlFiles(join(dir, 'missing')), undefined)
}))

test('appendText() creates a missing file and appends to an existing one', () => withFolder((dir) => {
  const path = join(dir, '.gitignore')
  appendText(path, 'a\n')
  appendText(path, 'b\n')
  assert.is(readFileSync(path, 'utf8'), 'a\nb\n')
}))

test('writeFileAtomically() leaves only the final file, with the bytes, and returns its size', () => withFolder((dir) => {
  const path = join(dir, 'backup.tar.gz')
  const bytes = new Uint8Array([0, 1, 2, 250, 255])
  assert.is(writeFileAtomically(path, bytes), 5)
  assert.equal([...readFileSync(path)], [0, 1, 2, 250, 255])
  assert.equal(readdirSync(dir), ['backup.tar.gz'])
  assert.not.ok(existsSync(`${path}.partial`))
}))

test.run()
