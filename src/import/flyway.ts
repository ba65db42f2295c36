/**
 * Flyway: `V<version>__<description>.sql` in the folder and its sub-folders (Flyway scans a
 * location recursively), ordered by version (parts compared as numbers, `_` read as `.`);
 * `U<version>__...sql` undo files are the downs; `<file>.sql.conf` with
 * `executeInTransaction=false` runs that file outside a transaction. Repeatables (`R__`),
 * callbacks (beforeMigrate.sql...) and `${...}` placeholders (Flyway replaces them when it
 * runs) cannot be mapped.
 */
import type { UnmappableSpot } from '../errors.ts'
import type { SourceFolder } from '../files/source-folder.ts'
import { createdOf, section, type SourceHistory } from './source-history.ts'

const VERSIONED = /^([VU])([^_]*(?:_[^_]+)*?)__(.*)\.sql$/
const REPEATABLE = /^R__.*\.sql$/
const CALLBACK = /^(before|after)[A-Za-z]*(__.*)?\.sql$/
const PLACEHOLDER = /\$\{[^}\r\n]*\}/g

interface Found {
  name: string
  displayVersion: string
  written: string
  description: string
  parts: bigint[]
}

const basename = (name: string) => name.slice(name.lastIndexOf('/') + 1)

function partsOf(version: string): bigint[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(version)) return undefined
  const parts = version.split('.').map((p) => BigInt(p))
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop()
  return parts
}

function compareParts(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n, y = b[i] ?? 0n
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

export function readFlyway(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [] }
  const spot = (name: string, line: number, message: string) => out.spots.push({ file: folder.path(name), line, message })
  const versioned: Found[] = []
  const undo = new Map<string, Found>()
  const names = new Set(folder.files)
  for (const name of folder.files) {
    const base = basename(name)
    if (base.endsWith('.sql.conf')) {
      if (!names.has(name.slice(0, -'.conf'.length))) out.skipped.push(name)
      continue
    }
    if (!base.endsWith('.sql')) continue
    if (REPEATABLE.test(base)) {
      spot(name, 1, 'a Flyway repeatable migration (R__): sqlmig has no repeatables. Move its latest SQL into a versioned V<next>__ migration (or into the declared schema, migrations/schema.sql), remove the R__ file, and import again')
      continue
    }
    if (CALLBACK.test(base)) {
      spot(name, 1, 'a Flyway callback (it runs at every migrate): sqlmig has none. Run it from your deploy script, or move it out of the folder to import the rest')
      continue
    }
    const m = VERSIONED.exec(base)
    if (!m) {
      out.skipped.push(name)
      continue
    }
    const displayVersion = m[2]!.replace(/_/g, '.')
    const parts = partsOf(displayVersion)
    if (!parts) {
      spot(name, 1, `version "${m[2]}" is not numbers separated by "." or "_" (Flyway refuses it too)`)
      continue
    }
    const found = { name, displayVersion, written: m[2]!, description: m[3]!.replace(/_/g, ' ').trim(), parts }
    if (m[1] === 'U') undo.set(parts.join('.'), found)
    else versioned.push(found)
  }
  versioned.sort((a, b) => compareParts(a.parts, b.parts))
  for (let i = 0; i < versioned.length; i++) {
    const v = versioned[i]!
    if (i > 0 && compareParts(versioned[i - 1]!.parts, v.parts) === 0) {
      spot(v.name, 1, `version ${v.displayVersion} is also ${versioned[i - 1]!.name} (Flyway refuses it too)`)
      continue
    }
    const up = readFile(folder, v.name, out.spots)
    const key = v.parts.join('.')
    const u = undo.get(key)
    undo.delete(key)
    const down = u ? readFile(folder, u.name, out.spots) : undefined
    if (!up || (u && !down)) continue
    out.migrations.push({
      version: v.displayVersion,
      label: v.name,
      prefix: v.written,
      message: v.description || basename(v.name),
      created: createdOf(v.written),
      up,
      down,
    })
  }
  for (const u of undo.values()) spot(u.name, 1, `an undo file without a versioned V${u.written}__ migration`)
  return out
}

/** A V or U file with its .sql.conf applied; placeholders and unknown settings are spots. */
function readFile(folder: SourceFolder, name: string, spots: UnmappableSpot[]) {
  const text = folder.read(name)
  const before = spots.length
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    for (const m of line.matchAll(PLACEHOLDER)) {
      spots.push({ file: folder.path(name), line: i + 1, message: `Flyway placeholder "${m[0]}": Flyway replaces it when it runs, sqlmig runs the file as written (write the value into the SQL)` })
    }
  })
  let transaction = true
  let marker: string | undefined
  const conf = `${name}.conf`
  if (folder.files.includes(conf)) {
    folder.read(conf).split('\n').forEach((raw, i) => {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) return
      const [key, value] = line.split('=').map((s) => s.trim()) as [string, string | undefined]
      const at = { file: folder.path(conf), line: i + 1 }
      if (key === 'executeInTransaction' && (value === 'true' || value === 'false')) {
        transaction = value === 'true'
        if (!transaction) marker = `${basename(conf)}: ${line}`
      } else if (key === 'encoding' && /^utf-?8$/i.test(value ?? '')) {
        // sqlmig reads UTF-8
      } else spots.push({ ...at, message: `Flyway script setting "${line}" has no sqlmig equivalent (only executeInTransaction=true|false and encoding=UTF-8 map)` })
    })
  }
  if (spots.length !== before) return undefined
  return section(folder.path(name), text, 0, text.length, transaction, marker)
}
