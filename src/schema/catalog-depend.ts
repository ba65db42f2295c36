/**
 * The catalog query behind SchemaModel.dependencies: every normal (deptype 'n') pg_depend entry
 * between objects the model has, as (dependent, referenced) pairs of model keys. An extension's
 * `requires` is such an entry (pg_extension → pg_extension); so are a view's reads (through its
 * _RETURN rule in pg_rewrite), a column default's calls (pg_attrdef), a domain check's calls
 * (pg_constraint), a SQL-standard function
 * body's calls and relations, a column's, argument's or domain's type. Objects are named by the
 * keys the model and the Changes use; a member of an extension is named by its extension, a
 * table's row type by the table and an array type by its element type.
 */

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`

/** Model key of every object that can be on either end of a dependency. */
const OBJECT_KEYS = `
select 'pg_extension'::regclass as cls, e.oid, quote_ident(e.extname) as k from pg_extension e
union all
select 'pg_proc'::regclass, p.oid, ${QUAL('n', 'p.proname')} || '(' || oidvectortypes(p.proargtypes) || ')'
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace where %NS%
union all
select 'pg_class'::regclass, c.oid, ${QUAL('n', 'c.relname')}
  from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c') and %NS%
union all
select 'pg_type'::regclass, t.oid, ${QUAL('n', 'coalesce(c.relname, et.typname, t.typname)')}
  from pg_type t join pg_namespace n on n.oid = t.typnamespace
  left join pg_type et on et.oid = t.typelem and t.typcategory = 'A' and et.typrelid = 0
  left join pg_class c on c.oid = coalesce(nullif(t.typrelid, 0), (select x.typrelid from pg_type x where x.oid = t.typelem and t.typcategory = 'A'))
  where %NS%`

export const DEPENDENCIES_SQL = `
with o as (
  select o.cls, o.oid, coalesce((select quote_ident(e.extname) from pg_depend x join pg_extension e on e.oid = x.refobjid
      where x.classid = o.cls and x.objid = o.oid and x.refclassid = 'pg_extension'::regclass and x.deptype = 'e' limit 1), o.k) as k
  from (${OBJECT_KEYS}) o
), d as (
  select case when d.classid in ('pg_rewrite'::regclass, 'pg_attrdef'::regclass) then 'pg_class'::regclass
      when d.classid = 'pg_constraint'::regclass then 'pg_type'::regclass else d.classid end as cls,
    case d.classid when 'pg_rewrite'::regclass then (select r.ev_class from pg_rewrite r where r.oid = d.objid and r.rulename = '_RETURN')
      when 'pg_attrdef'::regclass then (select a.adrelid from pg_attrdef a where a.oid = d.objid)
      when 'pg_constraint'::regclass then (select nullif(c.contypid, 0) from pg_constraint c where c.oid = d.objid) else d.objid end as oid,
    d.refclassid, d.refobjid
  from pg_depend d
  where d.deptype = 'n' and d.refclassid in ('pg_extension'::regclass, 'pg_proc'::regclass, 'pg_class'::regclass, 'pg_type'::regclass)
    and d.classid in ('pg_extension'::regclass, 'pg_proc'::regclass, 'pg_class'::regclass, 'pg_type'::regclass, 'pg_rewrite'::regclass, 'pg_attrdef'::regclass, 'pg_constraint'::regclass)
)
select distinct a.k as dependent, b.k as referenced
from d join o a on a.cls = d.cls and a.oid = d.oid join o b on b.cls = d.refclassid and b.oid = d.refobjid
where a.k <> b.k`
