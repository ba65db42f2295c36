/**
 * Catalog queries for foreign data: wrappers (not those an extension such as postgres_fdw makes),
 * servers, user mappings (database-wide, so read whatever the schema filter) and foreign tables.
 * Generic options come as [quoted name, literal value] pairs in their stored order (pg_dump
 * prints them in that order, so it is part of the definition).
 */

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const COMMENT = (oid: string, cls: string, sub = '0') =>
  `(select ds.description from pg_description ds where ds.objoid = ${oid} and ds.classoid = '${cls}'::regclass and ds.objsubid = ${sub})`
const OPTIONS = (arr: string) =>
  `coalesce((select json_agg(json_build_array(quote_ident(o.option_name), quote_literal(o.option_value)) order by o.i)
     from pg_options_to_table(${arr}) with ordinality o(option_name, option_value, i)), '[]')`
const PROC = (oid: string) =>
  `(select ${QUAL('pn', 'p.proname')} from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = ${oid})`
const ME = `(select r.oid from pg_roles r where r.rolname = current_user)`

export const FOREIGN_DATA_WRAPPERS_SQL = `
select quote_ident(w.fdwname) as name, ${PROC('w.fdwhandler')} as handler, ${PROC('w.fdwvalidator')} as validator,
  ${OPTIONS('w.fdwoptions')} as options, ${COMMENT('w.oid', 'pg_foreign_data_wrapper')} as comment
from pg_foreign_data_wrapper w
where %NOTEXT(pg_foreign_data_wrapper, w.oid)%
order by 1`

export const FOREIGN_SERVERS_SQL = `
select quote_ident(s.srvname) as name, quote_ident(w.fdwname) as fdw, s.srvtype as type, s.srvversion as version,
  ${OPTIONS('s.srvoptions')} as options, ${COMMENT('s.oid', 'pg_foreign_server')} as comment
from pg_foreign_server s join pg_foreign_data_wrapper w on w.oid = s.srvfdw
where %NOTEXT(pg_foreign_server, s.oid)%
order by 1`

/** Through pg_user_mappings, which shows the options to whoever may see them (pg_user_mapping is superuser-only). */
export const USER_MAPPINGS_SQL = `
select case when m.umuser = 0 then 'PUBLIC' when m.umuser = ${ME} then 'CURRENT_USER' else quote_ident(m.usename) end as "user",
  quote_ident(m.srvname) as server, ${OPTIONS('m.umoptions')} as options
from pg_user_mappings m
order by 2, 1`

export const FOREIGN_TABLES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(c.relname) as name, quote_ident(s.srvname) as server,
  ${OPTIONS('ft.ftoptions')} as options, ${COMMENT('c.oid', 'pg_class')} as comment,
  coalesce((select json_agg(json_build_object('name', quote_ident(a.attname), 'type', format_type(a.atttypid, a.atttypmod),
       'notNull', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid),
       'collation', (select ${QUAL('cn', 'co.collname')} from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
          join pg_type t on t.oid = a.atttypid where co.oid = a.attcollation and a.attcollation <> t.typcollation),
       'options', ${OPTIONS('a.attfdwoptions')}, 'comment', ${COMMENT('c.oid', 'pg_class', 'a.attnum')}) order by a.attnum)
     from pg_attribute a left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns
from pg_foreign_table ft join pg_class c on c.oid = ft.ftrelid join pg_namespace n on n.oid = c.relnamespace
  join pg_foreign_server s on s.oid = ft.ftserver
where %NS% and %NOTEXT(pg_class, c.oid)%
order by 1, 2`
