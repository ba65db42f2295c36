/**
 * verify's scratch database: what counts as a user's object in it, the check that a --url
 * database is empty before verify touches it, and the reset that empties it again in place (after
 * a down that failed half way, and at the end) without dropping the database itself, so its
 * owner, grants and settings stay as the user made them.
 */
import type { Database } from '../db/database.ts'
import { UsageError } from '../errors.ts'

export interface ScratchObject {
  kind: string
  name: string
}

/** Objects in schemas users create things in (not the catalogs, not extension members). */
const USER_OBJECTS = `
  with user_ns as (
    select oid, nspname from pg_catalog.pg_namespace
     where nspname not in ('pg_catalog', 'information_schema') and nspname !~ '^pg_(toast|temp_|toast_temp_)'
  ), ext_members as (
    select objid from pg_catalog.pg_depend where deptype = 'e'
  )
  select kind, name from (
    select 'schema' as kind, nspname as name from user_ns where nspname <> 'public'
    union all
    select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view'
                          when 'S' then 'sequence' when 'f' then 'foreign table' else 'relation' end,
           n.nspname || '.' || c.relname
      from pg_catalog.pg_class c join user_ns n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and c.oid not in (select objid from ext_members)
    union all
    select case p.prokind when 'p' then 'procedure' else 'function' end, n.nspname || '.' || p.proname
      from pg_catalog.pg_proc p join user_ns n on n.oid = p.pronamespace
     where p.oid not in (select objid from ext_members)
    union all
    select 'type', n.nspname || '.' || t.typname
      from pg_catalog.pg_type t join user_ns n on n.oid = t.typnamespace
     where t.typtype in ('e', 'd', 'r', 'c', 'm') and (t.typtype <> 'c' or (select relkind from pg_catalog.pg_class where oid = t.typrelid) = 'c')
       and t.oid not in (select objid from ext_members)
    union all
    select 'extension', extname from pg_catalog.pg_extension where extname <> 'plpgsql'
  ) o order by 1, 2`

/** The user's objects in the database (empty for a scratch database verify may use). */
export async function userObjects(db: Database): Promise<ScratchObject[]> {
  return await db.query<ScratchObject>(USER_OBJECTS)
}

/** "1 table, 2 functions: public.t, public.f, ..." */
export function describeObjects(found: readonly ScratchObject[], versionTable?: string): string {
  const counts = new Map<string, number>()
  for (const f of found) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1)
  const hasVersionTable = versionTable !== undefined && found.some((f) => f.kind === 'table' && f.name.endsWith(`.${versionTable}`))
  const summary = [...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ')
  return `${summary}${hasVersionTable ? ', including a sqlmig version table' : ''}: ${found.slice(0, 5).map((f) => f.name).join(', ')}${found.length > 5 ? ', ...' : ''}`
}

/**
 * verify runs every down, and at the end undoes what it applied: on a database holding anything
 * of its own that would drop a user's objects and leave it half restored. So --url must name an
 * empty scratch database, checked before anything is run.
 */
export async function assertScratch(db: Database, versionTable: string): Promise<void> {
  const found = await userObjects(db)
  if (found.length === 0) return
  throw new UsageError(`Cannot verify on ${db.description}: it is not an empty scratch database (it holds ${describeObjects(found, versionTable)})`, {
    hint: 'verify runs every migration up and down and drops what it creates: give --url an empty database ("createdb sqlmig_verify"), or leave out --url to verify on an embedded in-memory database',
  })
}

/**
 * DROP statements for what the migrations left, in an order that lets CASCADE do the rest:
 * extensions, then schemas other than public, then public's own objects (each IF EXISTS: an
 * earlier CASCADE may have taken it).
 */
const DROPS = `
  with ext_members as (select objid from pg_catalog.pg_depend where deptype = 'e')
  select sql from (
    select 1 as phase, 'drop extension if exists ' || quote_ident(extname) || ' cascade' as sql
      from pg_catalog.pg_extension where extname <> 'plpgsql'
    union all
    select 2, 'drop schema if exists ' || quote_ident(nspname) || ' cascade'
      from pg_catalog.pg_namespace
     where nspname not in ('pg_catalog', 'information_schema', 'public') and nspname !~ '^pg_(toast|temp_|toast_temp_)'
    union all
    select 3, 'drop ' || case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                                        when 'f' then 'foreign table' else 'table' end
              || ' if exists public.' || quote_ident(c.relname) || ' cascade'
      from pg_catalog.pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       and c.oid not in (select objid from ext_members)
    union all
    select 4, 'drop routine if exists public.' || quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') cascade'
      from pg_catalog.pg_proc p where p.pronamespace = 'public'::regnamespace and p.oid not in (select objid from ext_members)
    union all
    select 5, 'drop ' || case t.typtype when 'd' then 'domain' else 'type' end || ' if exists public.' || quote_ident(t.typname) || ' cascade'
      from pg_catalog.pg_type t
     where t.typnamespace = 'public'::regnamespace and t.typtype in ('e', 'd', 'r', 'c', 'm')
       and (t.typtype <> 'c' or (select relkind from pg_catalog.pg_class where oid = t.typrelid) = 'c')
       and t.oid not in (select objid from ext_members)
    union all
    select 6, 'drop collation if exists public.' || quote_ident(collname) || ' cascade'
      from pg_catalog.pg_collation where collnamespace = 'public'::regnamespace
  ) d order by phase`

/**
 * Empties a scratch database in place (it was empty when verify started): drops every user
 * object, phase by phase. Returns what is still there (empty when the reset worked).
 */
export async function resetScratch(db: Database): Promise<ScratchObject[]> {
  // A transaction: false file that failed after its own BEGIN leaves the session in it.
  await db.exec('rollback').catch(() => {})
  for (let phase = 0; phase < 3; phase++) {
    const drops = await db.query<{ sql: string }>(DROPS)
    if (drops.length === 0) break
    for (const d of drops) await db.exec(d.sql).catch(() => {})
  }
  return await userObjects(db)
}
