/**
 * Catalog queries for owners and privileges (GRANT/REVOKE, ALTER DEFAULT PRIVILEGES). ACLs are
 * expanded with aclexplode over coalesce(acl, acldefault(...)), the same reading pg_dump makes,
 * and each entry is written `grantee=PRIVILEGE` (`*` when grantable) with role tokens: OWNER for
 * the object's owner, PUBLIC, CURRENT_USER for the introspecting role. Grantors are not kept:
 * a migration run by the owner or a superuser records the owner as grantor, as pg_dump expects.
 *
 * The object filters repeat those of catalog-queries.ts so that exactly the modelled objects
 * (no extension members, no identity sequences, no version table) are read.
 */
import { VERSION_TABLE } from './catalog-queries.ts'

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const ME = `(select r.oid from pg_roles r where r.rolname = current_user)`
/** A role oid as a token: OWNER (when it is `owner`), PUBLIC, CURRENT_USER, or its quoted name. */
const ROLE = (oid: string, owner: string) =>
  `case when ${oid} = ${owner} then 'OWNER' when ${oid} = 0 then 'PUBLIC' when ${oid} = ${ME} then 'CURRENT_USER' else quote_ident(pg_get_userbyid(${oid})) end`
export const ENTRIES = (acl: string, owner: string) =>
  `coalesce((select json_agg(e.x order by e.i) from (select ${ROLE('a.grantee', owner)} || '=' || a.privilege_type
     || case when a.is_grantable then '*' else '' end as x, a.i from aclexplode(${acl}) with ordinality a(grantor, grantee, privilege_type, is_grantable, i)) e), '[]')`
export const OWNER = (oid: string) => `case when ${oid} = ${ME} then 'CURRENT_USER' else quote_ident(pg_get_userbyid(${oid})) end`
const COLUMN_ACLS = (rel: string, owner: string) =>
  `coalesce((select json_object_agg(quote_ident(a.attname), ${ENTRIES('a.attacl', owner)}) from pg_attribute a
     where a.attrelid = ${rel} and a.attnum > 0 and not a.attisdropped and a.attacl is not null and cardinality(a.attacl) > 0), '{}')`

/** Every owned object with its owner, ACL entries, column ACLs and acldefault kind (n, r, s, f, T). */
export const SECURITY_SQL = `
select o.type, o.name, ${OWNER('o.owner')} as owner, ${ENTRIES('coalesce(o.acl, acldefault(o.k, o.owner))', 'o.owner')} as acl,
  o.columns, o.k as kind
from (
  select 'SCHEMA' as type, quote_ident(n.nspname) as name, n.nspowner as owner, n.nspacl as acl, 'n'::"char" as k, '{}'::json as columns
  from pg_namespace n where %NS% and %NOTEXT(pg_namespace, n.oid)%
  union all
  select case c.relkind when 'S' then 'SEQUENCE' when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'TABLE' end,
    ${QUAL('n', 'c.relname')}, c.relowner, c.relacl, case when c.relkind = 'S' then 's' else 'r' end::"char",
    ${COLUMN_ACLS('c.oid', 'c.relowner')}
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S') and c.relname <> '${VERSION_TABLE}' and %NS% and %NOTEXT(pg_class, c.oid)%
    and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i' and c.relkind = 'S')
    and not exists (select 1 from pg_depend d join pg_class tc on tc.oid = d.refobjid
       where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' and tc.relname = '${VERSION_TABLE}')
  union all
  select case p.prokind when 'p' then 'PROCEDURE' when 'a' then 'AGGREGATE' else 'FUNCTION' end,
    ${QUAL('n', 'p.proname')} || '(' || oidvectortypes(p.proargtypes) || ')', p.proowner, p.proacl, 'f'::"char", '{}'::json
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prokind in ('f', 'p', 'a') and %NS% and %NOTEXT(pg_proc, p.oid)%
    and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'i')
  union all
  select case t.typtype when 'd' then 'DOMAIN' else 'TYPE' end, ${QUAL('n', 't.typname')}, t.typowner, t.typacl, 'T'::"char", '{}'::json
  from pg_type t join pg_namespace n on n.oid = t.typnamespace left join pg_class c on c.oid = t.typrelid
  where (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and c.relkind = 'c')) and %NS% and %NOTEXT(pg_type, t.oid)%
) o
order by 1, 2`

/**
 * The built-in default ACL of each acldefault kind, with the owner as OWNER (read once per kind:
 * expanding it per object doubled the cost of SECURITY_SQL).
 */
export const ACL_BASELINES_SQL = `
select k.k as kind, ${ENTRIES('acldefault(k.k, 10)', '10')} as baseline
from unnest(array['n', 'r', 's', 'f', 'T']::"char"[]) k(k)`

/** ALTER DEFAULT PRIVILEGES entries: the stored ACL and what it means when absent. */
export const DEFAULT_PRIVILEGES_SQL = `
select ${OWNER('d.defaclrole')} as role, (select quote_ident(n.nspname) from pg_namespace n where n.oid = d.defaclnamespace) as schema,
  d.defaclobjtype as objtype, ${ENTRIES('d.defaclacl', 'd.defaclrole')} as acl,
  case when d.defaclnamespace = 0 then ${ENTRIES(`acldefault(case d.defaclobjtype when 'S' then 's' else d.defaclobjtype end, d.defaclrole)`, 'd.defaclrole')} else '[]' end as baseline
from pg_default_acl d
where d.defaclobjtype in ('r', 'S', 'f', 'T', 'n')
  and (d.defaclnamespace = 0 or exists (select 1 from pg_namespace n where n.oid = d.defaclnamespace and %NS%))
order by 1, 2, 3`
