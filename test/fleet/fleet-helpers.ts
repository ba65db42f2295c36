/**
 * What the fleet tests share: a project of N chained migrations, each inserting its revision into
 * a log table (so a migration applied twice shows as two rows), many databases made quickly as
 * CREATE DATABASE … TEMPLATE copies of one, and the exactly-once check over them.
 */
import process from 'node:process'
import postgres from 'postgres'
import { tempProject } from '../helpers/cli.ts'
import { SERVER_URL, serverUrlFor, uniqueName } from '../helpers/targets.ts'

export const rev = (i: number) => `f${String(i).padStart(11, '0')}`

/** N migrations: the first makes the log and a table, each logs itself; `extra(i)` adds SQL to migration i. */
export function fleetProject(n: number, extra: (i: number) => string = () => '') {
  const files: Record<string, string> = {}
  for (let i = 1; i <= n; i++) {
    const head = `-- revision: ${rev(i)}\n-- down_revision: ${i > 1 ? rev(i - 1) : 'none'}\n-- message: step ${i}\n\n`
    const body = i === 1 ? 'create table applied_log (revision text not null, at timestamptz not null default clock_timestamp());\ncreate table items (id int);\n' : `alter table items add column c${i} int;\n`
    files[`migrations/versions/2026120${String(i).padStart(6, '0')}_${rev(i)}_step.up.sql`] = `${head}${body}${extra(i)}insert into applied_log (revision) values ('${rev(i)}');\n`
    files[`migrations/versions/2026120${String(i).padStart(6, '0')}_${rev(i)}_step.down.sql`] = `-- revision: ${rev(i)}\n\ndelete from applied_log where revision = '${rev(i)}';\n`
  }
  return tempProject(files)
}

/** An admin connection on the test server. */
export function admin(max = 8) {
  return postgres(SERVER_URL, { max, onnotice: () => {} })
}

/** `count` empty databases named <prefix>_<i> (copies of one template, so each is a quick file copy), and their drop. */
export async function makeDatabases(count: number, prefix = uniqueName('hf')) {
  const sql = admin(8)
  const template = `${prefix}_tpl`
  await sql.unsafe(`create database "${template}"`)
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${String(i).padStart(4, '0')}`)
  // WAL_LOG copies (the default) of an empty template: ~0.15 s each; FILE_COPY checkpoints every time (~1.6 s).
  // Eight at a time (CREATE … TEMPLATE only needs no session connected to the template).
  await inParallel(names, 8, (n) => sql.unsafe(`create database "${n}" template "${template}"`))
  const drop = async () => {
    // Each DROP DATABASE waits for a checkpoint; drops at the same time share one.
    await inParallel([...names, template], 8, (n) => sql.unsafe(`drop database if exists "${n}" with (force)`).catch(() => {}))
    await sql.end({ timeout: 1 })
  }
  return { names, urls: names.map(serverUrlFor), drop, sql }
}

/** Runs `fn` on every item, `width` at a time. */
export async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

/**
 * Reads one database (or schema): the revisions its version table holds and how often each
 * revision logged itself. Exactly once and at a revision boundary means: every recorded
 * revision logged once, nothing unrecorded logged, and the recorded set is a prefix of the chain.
 */
export async function stateOf(url: string, schema = 'public'): Promise<{ recorded: string[]; logged: Map<string, number> }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const has = await sql`select to_regclass(${`"${schema}".sqlmig_version`}) as v, to_regclass(${`"${schema}".applied_log`}) as l`
    const recorded = has[0]!.v ? (await sql.unsafe(`select revision from "${schema}".sqlmig_version order by revision`)).map((r) => r.revision as string) : []
    const logged = new Map<string, number>()
    if (has[0]!.l) for (const r of await sql.unsafe(`select revision, count(*)::int as n from "${schema}".applied_log group by revision`)) logged.set(r.revision, r.n)
    return { recorded, logged }
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** Fails unless the state is a prefix of the chain of `n` with each applied migration logged exactly once. */
export function assertBoundary(where: string, s: { recorded: string[]; logged: Map<string, number> }, n: number, atLeast = 0): void {
  const k = s.recorded.length
  const prefix = Array.from({ length: k }, (_, i) => rev(i + 1))
  if (k > n || s.recorded.join() !== prefix.join()) throw new Error(`${where}: recorded ${s.recorded.join(',')} is no prefix of the chain`)
  for (const r of prefix) if (s.logged.get(r) !== 1) throw new Error(`${where}: ${r} logged ${s.logged.get(r) ?? 0} times`)
  for (const [r, c] of s.logged) if (!prefix.includes(r)) throw new Error(`${where}: ${r} logged ${c} times but not recorded`)
  if (k < atLeast) throw new Error(`${where}: at ${k} of ${n}`)
}

export const CI = process.env.CI === 'true'
