/**
 * Instructions live in one place: the low layers throw errors with data and no hint naming a
 * command or a flag; src/commands/hints.ts words them for the command being run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from './helpers/cli.ts'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : name.endsWith('.ts') ? [p] : []
  })
}

/** Each `hint: ...` / `hint = ...` in a file, with its line number and the text up to the next blank-ish end. */
function hintsIn(file: string): { line: number; text: string }[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const out: { line: number; text: string }[] = []
  lines.forEach((l, i) => {
    if (/\bhint\s*[:=]\s*\S/.test(l) || /\.withHint\(/.test(l)) out.push({ line: i + 1, text: [l, lines[i + 1] ?? '', lines[i + 2] ?? ''].join('\n') })
  })
  return out
}

const at = (file: string, line: number) => `${relative(REPO, file)}:${line}`

test('src/graph words no hint at all: its errors carry data', () => {
  for (const file of files(join(REPO, 'src', 'graph'))) {
    for (const h of hintsIn(file)) assert.unreachable(`${at(file, h.line)} sets a hint:\n${h.text}`)
  }
})

test('src/files, src/sql, src/runner and src/schema name no command and no flag in a hint', () => {
  for (const layer of ['files', 'sql', 'runner', 'schema']) {
    for (const file of files(join(REPO, 'src', layer))) {
      for (const h of hintsIn(file)) {
        // Only the hint itself: from "hint" to the end of its string.
        const hint = /\bhint\s*[:=]\s*([\s\S]*?)(?:,\s*$|\)\s*$|\n\s*\w+:)/m.exec(h.text)?.[1] ?? h.text
        assert.not.match(hint, /"sqlmig [a-z]/, `${at(file, h.line)} names a command in its hint: ${hint}`)
        assert.not.match(hint, /(^|[\s"'(])--[a-z]/, `${at(file, h.line)} names a flag in its hint: ${hint}`)
      }
    }
  }
})

test('every command hint of src/commands/hints.ts is "sqlmig <a command the CLI has>"', async () => {
  const text = readFileSync(join(REPO, 'src', 'commands', 'hints.ts'), 'utf8')
  // The command registrations: main.ts and the commands-*.ts it calls.
  const main = ['main.ts', 'commands-run.ts', 'commands-project.ts', 'commands-switch.ts'].map((f) => readFileSync(join(REPO, 'src', 'cli', f), 'utf8')).join('\n')
  const commands = new Set([...main.matchAll(/cli\.command\('([a-z]+)/g), ...main.matchAll(/migrateCommand\('([a-z]+)'/g)].map((m) => m[1]!))
  const named = [...text.matchAll(/run\('([a-z]+)'/g)].map((m) => m[1]!)
  assert.ok(named.length > 10, 'hints.ts builds its commands with run()')
  for (const c of named) assert.ok(commands.has(c), `hints.ts names "sqlmig ${c}", which the CLI does not have`)
  assert.not.match(text, /"sqlmig [a-z]/, 'hints.ts writes every command with run() (so the check above sees it)')
  const flags = [...text.matchAll(/(?:^|[\s'"(`])(--[a-z][a-z-]*)/g)].map((m) => m[1]!)
  assert.ok(flags.includes('--purge'), 'the flags hints.ts names are found')
  for (const f of flags) assert.ok(main.includes(`'${f} `) || main.includes(`'${f}'`), `hints.ts names ${f}, which no CLI command has`)
})

test.run()
