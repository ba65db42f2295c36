/**
 * Catalog queries behind `introspect()`. Each returns rows of JSON-able values; the text comes
 * from PostgreSQL's own deparsers (format_type, pg_get_expr, pg_get_*def) so what we compare is
 * what the server would print. Only catalog columns present in PostgreSQL 13 through 18 are used.
 *
 * `%NS%` is replaced by a namespace filter on the alias `n`; `%NOTEXT(class, oid)%` by a test
 * that the object does not belong to an extension (pg_depend deptype 'e').
 */

/** Name of the version table sqlmig keeps in the migrated database, never part of a model. */
export const VERSION_TABLE = 'sqlmig_version'

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
/** A routine's key: schema.name(argument types), the form DROP FUNCTION accepts; parameter names are not part of it. */
const FN_KEY = (p: string, pn: string) => `${QUAL(pn, `${p}.proname`)} || '(' || oidvectortypes(${p}.proargtypes) || ')'`

export const SCHEMAS_SQL = `
select quote_ident(n.nspname) as name, (select ds.description from pg_description ds where ds.objoid = n.oid and ds.classoid = 'pg_namespace'::regclass and ds.objsubid = 0) as comment
from pg_namespace n where %NS% and %NOTEXT(pg_namespace, n.oid)%
order by 1`

export const EXTENSIONS_SQL = `
select quote_ident(e.extname) as name, quote_ident(n.nspname) as schema, e.extrelocatable as relocatable, (select ds.description from pg_description ds where ds.objoid = e.oid and ds.classoid = 'pg_extension'::regclass and ds.objsubid = 0) as comment,
  (select a.comment from pg_available_extensions a where a.name = e.extname) as default_comment
from pg_extension e join pg_namespace n on n.oid = e.extnamespace
order by 1`

export const ENUMS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(t.typname) as name,
  coalesce((select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '[]') as values,
  (select ds.description from pg_description ds where ds.objoid = t.oid and ds.classoid = 'pg_type'::regclass and ds.objsubid = 0) as comment
from (select t.oid from pg_type t where t.typtype = 'e' offset 0) e0 join pg_type t on t.oid = e0.oid
  join pg_namespace n on n.oid = t.typnamespace
where %NS% and %NOTEXT(pg_type, t.oid)%
order by 1, 2`

export const DOMAINS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(t.typname) as name,
  format_type(t.typbasetype, t.typtypmod) as type, pg_get_expr(t.typdefaultbin, 0) as "default", t.typnotnull as "notNull",
  (select ${QUAL('cn', 'co.collname')} from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
     where co.oid = t.typcollation and t.typcollation <> bt.typcollation) as collation,
  coalesce((select json_object_agg(quote_ident(c.conname), pg_get_constraintdef(c.oid)) from pg_constraint c
     where c.contypid = t.oid and c.contype = 'c'), '{}') as checks,
  (select ds.description from pg_description ds where ds.objoid = t.oid and ds.classoid = 'pg_type'::regclass and ds.objsubid = 0) as comment
from (select t.oid from pg_type t where t.typtype = 'd' offset 0) d join pg_type t on t.oid = d.oid
  join pg_namespace n on n.oid = t.typnamespace join pg_type bt on bt.oid = t.typbasetype
where %NS% and %NOTEXT(pg_type, t.oid)%
order by 1, 2`

const SEQ_OPTIONS = (s: string) => `format_type(${s}.seqtypid, null) as type, ${s}.seqstart::text as start,
  ${s}.seqincrement::text as increment, ${s}.seqmin::text as min, ${s}.seqmax::text as max,
  ${s}.seqcache::text as cache, ${s}.seqcycle as cycle`

export const SEQUENCES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(c.relname) as name, ${SEQ_OPTIONS('s')},
  (select ${QUAL('tn', 'tc.relname')} || '.' || quote_ident(a.attname)
     from pg_depend d join pg_class tc on tc.oid = d.refobjid join pg_namespace tn on tn.oid = tc.relnamespace
     join pg_attribute a on a.attrelid = tc.oid and a.attnum = d.refobjsubid
     where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass
       and d.deptype = 'a' limit 1) as "ownedBy",
  (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = 0) as comment
from pg_class c join pg_sequence s on s.seqrelid = c.oid join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'S' and %NS% and %NOTEXT(pg_class, c.oid)%
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i')
  and not exists (select 1 from pg_depend d join pg_class tc on tc.oid = d.refobjid
     where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' and tc.relname = '${VERSION_TABLE}')
order by 1, 2`

/** Tables, views and materialized views (partitions are not modelled). */
export const RELATIONS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(c.relname) as name, c.relkind as kind,
  c.relpersistence = 'u' as unlogged, c.relrowsecurity as "rowSecurity", c.relforcerowsecurity as "forceRowSecurity",
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as definition,
  array_to_string(c.reloptions, ', ') as options,
  case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as "partitionKey",
  (select ${QUAL('pn', 'pc.relname')} from pg_inherits ih join pg_class pc on pc.oid = ih.inhparent
     join pg_namespace pn on pn.oid = pc.relnamespace where ih.inhrelid = c.oid and c.relispartition) as "partitionOf",
  case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as "partitionBound",
  (select json_agg(${QUAL('pn', 'pc.relname')} order by ih.inhseqno) from pg_inherits ih join pg_class pc on pc.oid = ih.inhparent
     join pg_namespace pn on pn.oid = pc.relnamespace where ih.inhrelid = c.oid and not c.relispartition) as inherits,
  (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = 0) as comment,
  case c.relreplident when 'f' then 'FULL' when 'n' then 'NOTHING' when 'i' then (select 'USING INDEX ' || quote_ident(ic.relname)
     from pg_index x join pg_class ic on ic.oid = x.indexrelid where x.indrelid = c.oid and x.indisreplident) end as "replicaIdentity",
  case when c.relkind in ('v', 'm') then coalesce((select json_object_agg(quote_ident(a.attname), (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum))
     from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum) is not null), '{}') end as "columnComments",
  case when c.relkind in ('v', 'm') then coalesce((select json_agg(distinct x.k) from (
       select ${QUAL('dn', 'dc.relname')} as k from pg_rewrite r
         join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass
         join pg_class dc on dc.oid = d.refobjid join pg_namespace dn on dn.oid = dc.relnamespace
         where r.ev_class = c.oid and dc.oid <> c.oid
       union all
       select ${FN_KEY('p', 'pn')} from pg_rewrite r
         join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_proc'::regclass
         join pg_proc p on p.oid = d.refobjid join pg_namespace pn on pn.oid = p.pronamespace
         where r.ev_class = c.oid) x), '[]') end as "dependsOn"
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm') and c.relname <> '${VERSION_TABLE}'
  and %NS% and %NOTEXT(pg_class, c.oid)%
order by 1, 2`

const REL_JOIN = `join pg_namespace n on n.oid = c.relnamespace`
const REL_FILTER = `c.relname <> '${VERSION_TABLE}' and %NS% and %NOTEXT(pg_class, c.oid)%`
const REL_KEY = 'r.key'
/** The user relations of some kinds, computed once (OFFSET 0 keeps the planner from re-running the filter per row). */
const RELS = (kinds: string) => `(select c.oid, ${QUAL('n', 'c.relname')} as key from pg_class c ${REL_JOIN}
  where c.relkind in (${kinds}) and ${REL_FILTER} offset 0) r`

const STORAGE = (c: string) => `case ${c} when 'p' then 'PLAIN' when 'm' then 'MAIN' when 'e' then 'EXTERNAL' when 'x' then 'EXTENDED' end`

/**
 * Columns of tables. Per-column settings: attcompression exists from PostgreSQL 14; of attoptions only
 * the options ALTER COLUMN SET can set (n_distinct, n_distinct_inherited) are read, not a server's own.
 */
export const columnsSql = (version: number): string => `
select ${REL_KEY} as rel, quote_ident(a.attname) as name, format_type(a.atttypid, a.atttypmod) as type,
  a.attnotnull as "notNull",
  case when a.attgenerated = '' then pg_get_expr(ad.adbin, ad.adrelid) end as "default",
  case when a.attgenerated <> '' then pg_get_expr(ad.adbin, ad.adrelid) end as generated,
  a.attgenerated = 'v' as virtual,
  a.attidentity as identity,
  case when a.attinhcount > 0 and not c.relispartition then case when a.attislocal then 'merged' else 'only' end end as inherited,
  (select ${QUAL('cn', 'co.collname')} from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
     where co.oid = a.attcollation and a.attcollation <> t.typcollation) as collation,
  (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum) as comment,
  case when a.attstattarget >= 0 then a.attstattarget end as statistics,
  (select json_agg(o order by o) from unnest(a.attoptions) o where o ~ '^n_distinct(_inherited)?=') as options,
  case when a.attstorage <> t.typstorage then ${STORAGE('a.attstorage')} end as storage,
  case when a.attstorage <> t.typstorage then ${STORAGE('t.typstorage')} end as "typeStorage",
  ${version >= 140000 ? `case a.attcompression when 'p' then 'pglz' when 'l' then 'lz4' end` : 'null'} as compression,
  (select json_build_object('sequence', ${QUAL('sn', 'sc.relname')}, 'type', format_type(s.seqtypid, null),
       'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
       'cache', s.seqcache::text, 'cycle', s.seqcycle)
     from pg_depend d join pg_class sc on sc.oid = d.objid join pg_namespace sn on sn.oid = sc.relnamespace
     join pg_sequence s on s.seqrelid = sc.oid
     where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = c.oid
       and d.refobjsubid = a.attnum and d.deptype = 'i' limit 1) as "identitySequence"
from ${RELS(`'r', 'p'`)} join pg_class c on c.oid = r.oid join pg_attribute a on a.attrelid = r.oid
  join pg_type t on t.oid = a.atttypid
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped
order by 1, a.attnum`

const ATT_NAMES = (arr: string, rel: string) =>
  `coalesce((select json_agg(quote_ident(a.attname) order by k.i) from unnest(${arr}) with ordinality k(num, i)
     join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.num), '[]')`

export const CONSTRAINTS_SQL = `
select ${REL_KEY} as rel, quote_ident(co.conname) as name, co.contype as type, pg_get_constraintdef(co.oid) as definition,
  (select ds.description from pg_description ds where ds.objoid = co.oid and ds.classoid = 'pg_constraint'::regclass and ds.objsubid = 0) as comment,
  ${ATT_NAMES('co.conkey', 'co.conrelid')} as columns,
  (select ${QUAL('rn', 'rc.relname')} from pg_class rc join pg_namespace rn on rn.oid = rc.relnamespace
     where rc.oid = co.confrelid) as "refTable",
  ${ATT_NAMES('co.confkey', 'co.confrelid')} as "refColumns"
from ${RELS(`'r', 'p'`)} join pg_constraint co on co.conrelid = r.oid
where co.contype in ('p', 'u', 'c', 'f', 'x') and co.conparentid = 0 and co.conislocal
order by 1, 2`

export const INDEXES_SQL = `
select ${REL_KEY} as rel, quote_ident(ic.relname) as name, pg_get_indexdef(i.indexrelid) as definition,
  (select ds.description from pg_description ds where ds.objoid = i.indexrelid and ds.classoid = 'pg_class'::regclass and ds.objsubid = 0) as comment,
  coalesce((select json_agg(distinct quote_ident(a.attname)) from pg_depend d
     join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
     where d.classid = 'pg_class'::regclass and d.objid = i.indexrelid and d.refclassid = 'pg_class'::regclass
       and d.refobjid = i.indrelid and d.refobjsubid > 0), '[]') as columns,
  (select json_object_agg(a.attnum, a.attstattarget order by a.attnum) from pg_attribute a
     where a.attrelid = i.indexrelid and a.attnum > 0 and a.attstattarget >= 0) as statistics
from ${RELS(`'r', 'p', 'm'`)} join pg_index i on i.indrelid = r.oid join pg_class ic on ic.oid = i.indexrelid
where not exists (select 1 from pg_inherits ih where ih.inhrelid = i.indexrelid)
  and not exists (select 1 from pg_constraint co where co.conindid = i.indexrelid and co.conrelid = i.indrelid
     and co.contype in ('p', 'u', 'x'))
order by 1, 2`

export const TRIGGERS_SQL = `
select ${REL_KEY} as rel, quote_ident(t.tgname) as name, pg_get_triggerdef(t.oid) as definition,
  t.tgenabled as enabled, (select ds.description from pg_description ds where ds.objoid = t.oid and ds.classoid = 'pg_trigger'::regclass and ds.objsubid = 0) as comment,
  (select ${FN_KEY('p', 'pn')} from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = t.tgfoid) as function
from ${RELS(`'r', 'p', 'v', 'm'`)} join pg_trigger t on t.tgrelid = r.oid
where not t.tgisinternal and t.tgparentid = 0
order by 1, 2`

export const POLICIES_SQL = `
select ${REL_KEY} as rel, quote_ident(p.polname) as name, p.polpermissive as permissive, p.polcmd as command,
  coalesce((select json_agg(case when r = 0 then 'PUBLIC' else quote_ident(pg_get_userbyid(r)) end order by 1)
     from unnest(p.polroles) r), '[]') as roles,
  pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check,
  (select ds.description from pg_description ds where ds.objoid = p.oid and ds.classoid = 'pg_policy'::regclass and ds.objsubid = 0) as comment
from ${RELS(`'r', 'p'`)} join pg_policy p on p.polrelid = r.oid
order by 1, 2`

export const FUNCTIONS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(p.proname) as name, p.prokind as kind,
  pg_get_function_identity_arguments(p.oid) as "identityArgs", pg_get_function_arguments(p.oid) as args,
  ${FN_KEY('p', 'n')} as key,
  case when p.prokind = 'f' then pg_get_function_result(p.oid) end as result,
  pg_get_functiondef(p.oid) as definition, (select ds.description from pg_description ds where ds.objoid = p.oid and ds.classoid = 'pg_proc'::regclass and ds.objsubid = 0) as comment,
  coalesce((select json_agg(distinct ${QUAL('tn', 'tc.relname')})
     from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]) || p.prorettype) ty
     join pg_type t on t.oid = ty join pg_class tc on tc.oid = t.typrelid join pg_namespace tn on tn.oid = tc.relnamespace
     where t.typrelid <> 0), '[]') as "usesTypes"
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where p.prokind in ('f', 'p') and %NS% and %NOTEXT(pg_proc, p.oid)%
  -- Constructors PostgreSQL makes for a range type belong to it (internal dependency).
  and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'i')
order by 1, 2, 4`

export const COMPOSITES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(t.typname) as name,
  coalesce((select json_agg(json_build_object('name', quote_ident(a.attname), 'type', format_type(a.atttypid, a.atttypmod),
       'collation', (select ${QUAL('cn', 'co.collname')} from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
          join pg_type at on at.oid = a.atttypid where co.oid = a.attcollation and a.attcollation <> at.typcollation)) order by a.attnum)
     from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped), '[]') as attributes,
  (select ds.description from pg_description ds where ds.objoid = t.oid and ds.classoid = 'pg_type'::regclass and ds.objsubid = 0) as comment
from (select t.oid from pg_type t join pg_class c on c.oid = t.typrelid where t.typtype = 'c' and c.relkind = 'c' offset 0) c0
  join pg_type t on t.oid = c0.oid join pg_namespace n on n.oid = t.typnamespace
where %NS% and %NOTEXT(pg_type, t.oid)%
order by 1, 2`
