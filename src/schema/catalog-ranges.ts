/**
 * Catalog query for range types (CREATE TYPE ... AS RANGE). The multirange type PostgreSQL 14+
 * creates with each range is found through its internal dependency on the range (no
 * pg_range.rngmultitypid, which PostgreSQL 13 lacks); function names come from regproc, which
 * qualifies them under the empty search_path introspection uses.
 */
const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`

export const RANGES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(t.typname) as name, format_type(r.rngsubtype, null) as subtype,
  (select ${QUAL('cn', 'co.collname')} from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
     where co.oid = r.rngcollation and r.rngcollation <> st.typcollation) as collation,
  (select ${QUAL('on2', 'oc.opcname')} from pg_opclass oc join pg_namespace on2 on on2.oid = oc.opcnamespace
     where oc.oid = r.rngsubopc and not oc.opcdefault) as opclass,
  case when r.rngcanonical <> 0 then r.rngcanonical::regproc::text end as canonical,
  case when r.rngsubdiff <> 0 then r.rngsubdiff::regproc::text end as "subtypeDiff",
  (select ${QUAL('mn', 'mt.typname')} from pg_depend d join pg_type mt on mt.oid = d.objid join pg_namespace mn on mn.oid = mt.typnamespace
     where d.classid = 'pg_type'::regclass and d.refclassid = 'pg_type'::regclass and d.refobjid = t.oid and d.deptype = 'i' and mt.typtype = 'm') as multirange,
  (select ds.description from pg_description ds where ds.objoid = t.oid and ds.classoid = 'pg_type'::regclass and ds.objsubid = 0) as comment
from pg_range r join pg_type t on t.oid = r.rngtypid join pg_namespace n on n.oid = t.typnamespace join pg_type st on st.oid = r.rngsubtype
where %NS% and %NOTEXT(pg_type, t.oid)%
order by 1, 2`
