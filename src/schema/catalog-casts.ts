/**
 * Catalog query for user-defined casts (CREATE CAST): those made after initdb (oid at or above
 * FirstNormalObjectId, 16384, as pg_dump decides), not by an extension and not by a range type. Casts belong to no
 * schema, so they are read whatever the schema filter.
 */

const FN_KEY = `quote_ident(pn.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')'`

export const CASTS_SQL = `
select format_type(c.castsource, null) as source, format_type(c.casttarget, null) as target,
  c.castmethod as method, c.castcontext as context,
  (select ${FN_KEY} from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = c.castfunc) as function,
  (select ds.description from pg_description ds where ds.objoid = c.oid and ds.classoid = 'pg_cast'::regclass and ds.objsubid = 0) as comment
from pg_cast c
where c.oid >= 16384 and %NOTEXT(pg_cast, c.oid)%
  -- The range-to-multirange casts PostgreSQL makes with a range type belong to it (internal dependency).
  and not exists (select 1 from pg_depend d where d.classid = 'pg_cast'::regclass and d.objid = c.oid and d.deptype = 'i')
order by 1, 2`
