/** Fixture histories for the import tests: a project folder with the old tool's files under old/. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempProject } from '../helpers/cli.ts'
import { adminExec, serverUrlFor, uniqueName } from '../helpers/targets.ts'

export interface Fixture {
  dir: string
  source: string
  versions: string
  /** name → text of every file in migrations/versions (empty when there is no folder). */
  written(): Record<string, string>
  cleanup(): void
}

/** A project whose old/ folder holds `files` (relative paths → text). */
export function fixture(files: Record<string, string>): Fixture {
  const p = tempProject(Object.fromEntries(Object.entries(files).map(([k, v]) => [`old/${k}`, v])))
  const versions = join(p.dir, 'migrations', 'versions')
  return {
    dir: p.dir,
    source: join(p.dir, 'old'),
    versions,
    written: () => existsSync(versions) ? Object.fromEntries(readdirSync(versions).sort().map((n) => [n, readFileSync(join(versions, n), 'utf8')])) : {},
    cleanup: p.cleanup,
  }
}

/** The revision import derives: sha256("<tool>:<version>"), 12 hex digits. */
export function rev(tool: string, version: string): string {
  return createHash('sha256').update(`${tool}:${version}`).digest('hex').slice(0, 12)
}

/** pg_dump --schema-only of a server database, without pg_dump's comments and the named schemas (the tools' registries) and tables. */
export function dumpSchema(url: string, options: { excludeSchemas?: string[]; excludeTables?: string[] } = {}): string {
  const u = new URL(url)
  const args = ['--schema-only', '--no-owner', '--no-privileges', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username)]
  for (const s of options.excludeSchemas ?? []) args.push(`--exclude-schema=${s}`)
  for (const t of options.excludeTables ?? []) args.push(`--exclude-table=${t}`)
  const dump = execFileSync('pg_dump', [...args, u.pathname.slice(1)], { encoding: 'utf8' })
  return dump.split('\n').filter((l) => !l.startsWith('--') && !/^\\(un)?restrict /.test(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim()
}

/** Runs `fn` with two new server databases (the source tool's and sqlmig's), dropped afterwards. */
export async function withTwoDatabases(prefix: string, fn: (a: string, b: string) => Promise<void>): Promise<void> {
  const [a, b] = [uniqueName(`${prefix}_a`), uniqueName(`${prefix}_b`)]
  await adminExec(`create database ${a}`)
  await adminExec(`create database ${b}`)
  try {
    await fn(serverUrlFor(a), serverUrlFor(b))
  } finally {
    await adminExec(`drop database if exists ${a} with (force)`)
    await adminExec(`drop database if exists ${b} with (force)`)
  }
}
