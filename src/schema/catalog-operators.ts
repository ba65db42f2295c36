/**
 * Catalog query for operators (CREATE OPERATOR). Shell operators (named as a commutator or
 * negator but never defined: no function) are left out, as pg_dump leaves them out.
 */

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const PROC = (oid: string) =>
  `(select ${QUAL('pn', 'p.proname')} from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = ${oid})`
const OPERATOR = (oid: string) =>
  `(select 'OPERATOR(' || quote_ident(xn.nspname) || '.' || x.oprname || ')' from pg_operator x join pg_namespace xn on xn.oid = x.oprnamespace where x.oid = ${oid})`
const TYPE = (oid: string) => `case when ${oid} = 0 then null else format_type(${oid}, null) end`

export const OPERATORS_SQL = `
select quote_ident(n.nspname) || '.' || o.oprname || '(' || coalesce(${TYPE('o.oprleft')}, 'NONE') || ', ' || ${TYPE('o.oprright')} || ')' as key,
  quote_ident(n.nspname) as schema, o.oprname as name, ${TYPE('o.oprleft')} as "left", ${TYPE('o.oprright')} as "right",
  ${PROC('o.oprcode')} as function, ${OPERATOR('o.oprcom')} as commutator, ${OPERATOR('o.oprnegate')} as negator,
  ${PROC('o.oprrest')} as restrict, ${PROC('o.oprjoin')} as "join", o.oprcanhash as hashes, o.oprcanmerge as merges,
  (select ds.description from pg_description ds where ds.objoid = o.oid and ds.classoid = 'pg_operator'::regclass and ds.objsubid = 0) as comment
from pg_operator o join pg_namespace n on n.oid = o.oprnamespace
where o.oprcode <> 0 and %NS% and %NOTEXT(pg_operator, o.oid)%
order by 1`
