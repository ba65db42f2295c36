/** What the adopt, pull and baseline tests share: a scratch server database, CLI runs that must succeed, pg_dump of a schema. */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/cli.ts'
import { adminExec, serverUrlFor, uniqueName } from '../helpers/targets.ts'

/** Runs `sqlmig <args>` in `cwd`; fails the test unless it exits 0. */
export async function ok(args: string[], cwd: string) {
  const r = await runCli(args, cwd)
  assert.is(r.code, 0, `sqlmig ${args.join(' ')}:\n${r.stderr}${r.stdout}`)
  return r
}

/** The --json output of a run. */
export const json = (r: { stdout: string }) => JSON.parse(r.stdout)

/** A scratch database on the test server, dropped afterwards. */
export async function withDatabase(prefix: string, fn: (url: string) => Promise<void>): Promise<void> {
  const name = uniqueName(prefix)
  await adminExec(`create database ${name}`)
  try {
    await fn(serverUrlFor(name))
  } finally {
    await adminExec(`drop database if exists ${name} with (force)`)
  }
}

/** pg_dump --schema-only, without comments and without the blocks naming `omit` (version tables). */
export function dumpSchema(url: string, omit: string[]): string {
  const dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '-d', url], { encoding: 'utf8' })
  return dump.split(/\n\n+/)
    .map((block) => block.split('\n').filter((l) => !l.startsWith('--') && !/^\\(un)?restrict /.test(l)).join('\n').trim())
    .filter((block) => block !== '' && !omit.some((t) => new RegExp(`\\b${t}\\b`).test(block)))
    .join('\n\n')
}

/** A schema with a bit of everything that depends on something: schemas, enum, FK across schemas, trigger function, view, comment. */
export const SCHEMA = `
create schema app;
create type app.status as enum ('draft', 'published');
create table app.users (id bigserial primary key, email text not null unique, status app.status default 'draft');
create table public.posts (id int generated always as identity primary key, author bigint references app.users on delete cascade, body text check (length(body) > 0));
create index posts_author on public.posts (author);
create function app.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger users_touch before update on app.users for each row execute function app.touch();
create view app.counts as select u.email, count(p.*) as n from app.users u left join posts p on p.author = u.id group by 1;
comment on table app.users is 'people; and more';
`

/** `sqlmig create <message>` in `dir`, then `up` and `down` appended to the two files it wrote; returns the new revision. */
export async function createMigration(dir: string, message: string, up: string, down: string): Promise<string> {
  const created = json(await ok(['create', message, '--json'], dir))
  for (const [file, sql] of [[created.up, up], [created.down, down]] as const) {
    const path = join(dir, file)
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n${sql}\n`)
  }
  return created.revision
}
