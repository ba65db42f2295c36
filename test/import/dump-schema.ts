/** The schema of a server database as pg_dump prints it, for comparing what two tools built. */
import { execFileSync } from 'node:child_process'

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
