/**
 * pg_dump and pg_restore as child processes. The password never goes on a command line (where
 * `ps` shows it to every user of the machine): children get a URL without it and read it from
 * PGPASSWORD in their own environment. https://www.postgresql.org/docs/current/libpq-envars.html
 */
import { spawn } from 'node:child_process'
import { rename, rm, stat } from 'node:fs/promises'
import process from 'node:process'
import { EXIT, SqlmigError } from '../errors.ts'
import { redact, registerSecret } from '../redact.ts'
import { parsePgUrl } from './pg-url.ts'

export type PgTool = 'pg_dump' | 'pg_restore'

/** How a child process reaches one database: a libpq URL without password, plus the password. */
export interface PgConnection {
  /** postgresql://user@host:port/db?sslmode=... (no password: safe for argv and messages). */
  conninfo: string
  password: string | undefined
  database: string
}

/** Splits a postgres:// URL into what a child may see (conninfo) and what it must not (password). */
export function pgConnection(url: string): PgConnection {
  const u = parsePgUrl(url)
  registerSecret(u.password)
  const database = u.database ?? u.user ?? 'postgres'
  // Socket directories go in ?host= (libpq's form for them); TCP hosts in the authority.
  const socket = u.hosts.some((h) => h.startsWith('/'))
  const tcp = socket ? '' : u.hosts.map((h, i) => `${h.includes(':') ? `[${h}]` : encodeURIComponent(h)}:${u.ports[i]}`).join(',')
  const params = { ...(socket ? { host: u.hosts.join(','), port: u.ports.join(',') } : {}), ...u.params }
  const query = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  const conninfo = `postgresql://${u.user !== undefined ? `${encodeURIComponent(u.user)}@` : ''}${tcp}/${encodeURIComponent(database)}${query ? `?${query}` : ''}`
  return { conninfo, password: u.password, database }
}

/** The environment of a child: ours, plus PGPASSWORD when the URL carried a password. */
function childEnv(conn: PgConnection): Record<string, string | undefined> {
  return conn.password === undefined ? process.env : { ...process.env, PGPASSWORD: conn.password }
}

interface Finished {
  code: number | null
  stdout: string
  stderr: string
  /** Set when the program could not be started (ENOENT: not on PATH). */
  startError?: Error
}

function collect(child: ReturnType<typeof spawn>, captureStdout: boolean): Promise<Finished> {
  return new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    if (captureStdout) child.stdout?.on('data', (d) => (stdout += d))
    child.stderr?.on('data', (d) => (stderr += d))
    child.on('error', (e) => resolve({ code: null, stdout, stderr, startError: e }))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The major version of a client tool ("pg_dump (PostgreSQL) 15.4" → 15), or undefined when it is not on PATH. */
export async function toolVersion(tool: PgTool): Promise<{ major: number; text: string } | undefined> {
  const r = await collect(spawn(tool, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }), true)
  if (r.startError) return undefined
  const m = /(\d+)(?:\.(\d+))?/.exec(r.stdout)
  return m ? { major: Number(m[1]), text: r.stdout.trim() } : undefined
}

/** Checks that each tool exists and is at least as new as the server (pg_dump refuses older servers' newer catalogs). */
export async function requireTools(tools: PgTool[], serverMajor: number, action: string): Promise<void> {
  const hint = `Install the PostgreSQL ${serverMajor} client tools or newer (e.g. "apt-get install postgresql-client-${serverMajor}" or "brew install postgresql@${serverMajor}") and put their bin directory first on PATH`
  for (const tool of tools) {
    const v = await toolVersion(tool)
    if (!v) {
      throw new SqlmigError('PG_TOOL_MISSING', `Cannot ${action}: ${tool} was not found on PATH (version ${serverMajor} or newer is needed for this server)`, { hint, exitCode: EXIT.usage })
    }
    if (v.major < serverMajor) {
      throw new SqlmigError('PG_TOOL_TOO_OLD', `Cannot ${action}: ${tool} is version ${v.major} ("${v.text}"), older than the server (PostgreSQL ${serverMajor}); version ${serverMajor} or newer is needed`, {
        hint,
        exitCode: EXIT.usage,
      })
    }
  }
}

function toolFailed(code: 'COPY_FAILED' | 'BACKUP_FAILED' | 'PG_TOOL_MISSING' | 'PG_TOOL_TOO_OLD', action: string, tool: PgTool, r: Finished): SqlmigError {
  const why = r.startError ? r.startError.message : `${tool} exited with code ${r.code}`
  return new SqlmigError(code, `Cannot ${action}: ${why}`, { detail: redact(r.stderr.trim()) || undefined })
}

/** `pg_dump --format=custom` into `file` (written under a temporary name, renamed when complete); returns its size. */
export async function dumpToFile(conn: PgConnection, file: string, action: string): Promise<number> {
  const partial = `${file}.partial`
  const child = spawn('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${conn.conninfo}`], { env: childEnv(conn), stdio: ['ignore', 'ignore', 'pipe'] })
  const r = await collect(child, false)
  if (r.code !== 0) {
    await rm(partial, { force: true })
    throw toolFailed('BACKUP_FAILED', action, 'pg_dump', r)
  }
  await rename(partial, file)
  return (await stat(file)).size
}

/** `pg_dump --format=custom` of `from` piped into `pg_restore --no-owner --no-acl` into the (empty) database `to`. */
export async function dumpAndRestore(from: PgConnection, to: PgConnection, action: string): Promise<void> {
  const dump = spawn('pg_dump', ['--format=custom', `--dbname=${from.conninfo}`], { env: childEnv(from), stdio: ['ignore', 'pipe', 'pipe'] })
  const restore = spawn('pg_restore', ['--no-owner', '--no-acl', `--dbname=${to.conninfo}`], { env: childEnv(to), stdio: ['pipe', 'ignore', 'pipe'] })
  dump.stdout!.pipe(restore.stdin!)
  // If pg_restore dies first, the pipe breaks; the error is reported from the exit codes below.
  restore.stdin!.on('error', () => {})
  const [d, r] = await Promise.all([collect(dump, false), collect(restore, false)])
  if (d.code !== 0) throw toolFailed('COPY_FAILED', action, 'pg_dump', d)
  if (r.code !== 0) throw toolFailed('COPY_FAILED', action, 'pg_restore', r)
}

/** A string quoted for a POSIX shell (for the restore command we print). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
