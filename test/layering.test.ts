/**
 * Keeps the dependency picture of the README's Architecture section true: each rule is a check
 * over the import lines of src/ (and mod.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from './helpers/cli.ts'

interface Source {
  file: string
  imports: string[]
}

function sources(dir: string): Source[] {
  const out: Source[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (name.endsWith('.ts')) {
      const text = readFileSync(p, 'utf8')
      // Static imports and re-exports; dynamic import('...') is listed separately below.
      const imports = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!)
      out.push({ file: relative(REPO, p), imports })
    }
  }
  return out
}

const SRC = sources(join(REPO, 'src'))
const layer = (file: string) => file.split('/')[1]!.replace(/\.ts$/, '')
const resolved = (s: Source, spec: string) => (spec.startsWith('.') ? relative(REPO, join(REPO, s.file, '..', spec)) : spec)

test('src/graph and src/sql are pure: they import only errors.ts and each other', () => {
  for (const s of SRC.filter((x) => ['graph', 'sql'].includes(layer(x.file)))) {
    for (const spec of s.imports) {
      const target = resolved(s, spec)
      assert.ok(target === 'src/errors.ts' || target.startsWith('src/graph/') || target.startsWith('src/sql/'), `${s.file} imports ${spec}`)
    }
  }
})

test('only src/db/ imports the database drivers', () => {
  for (const s of SRC) {
    for (const spec of s.imports) {
      if (spec === 'postgres' || spec.startsWith('@electric-sql/pglite')) assert.ok(s.file.startsWith('src/db/'), `${s.file} imports ${spec}`)
    }
  }
})

test('the core never imports commands or the CLI, and commands never import the CLI', () => {
  for (const s of SRC) {
    const l = layer(s.file)
    for (const spec of s.imports) {
      const target = resolved(s, spec)
      if (target.startsWith('src/cli/')) assert.ok(l === 'cli', `${s.file} imports ${spec}`)
      if (target.startsWith('src/commands/')) assert.ok(l === 'cli' || l === 'commands', `${s.file} imports ${spec}`)
    }
  }
})

test('mod.ts loads the CLI only through a dynamic import when it is the main module', () => {
  const text = readFileSync(join(REPO, 'mod.ts'), 'utf8')
  assert.not.match(text, /^\s*(import|export)\s[^'"]*from\s+'\.\/src\/cli\//m)
  assert.match(text, "await import('./src/cli/run-process.ts')")
})

test('file names are unique across src/', () => {
  const names = SRC.map((s) => s.file.split('/').pop()!)
  const dupes = names.filter((n, i) => names.indexOf(n) !== i)
  assert.equal(dupes, [])
})

test.run()
