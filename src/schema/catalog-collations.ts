/**
 * Catalog query for collations (CREATE COLLATION). Where the locale lives moved between
 * versions (collcollate for ICU up to 14, colliculocale in 15-16, colllocale from 17; rules from
 * 16), so the row is read through to_jsonb and the fields picked by name: no query names a
 * column one of the supported versions lacks.
 */
export const COLLATIONS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(co.collname) as name, co.collprovider as provider,
  co.collisdeterministic as deterministic,
  coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale', case when co.collprovider = 'i' then co.collcollate end) as locale,
  case when co.collprovider = 'c' then co.collcollate end as "lcCollate", case when co.collprovider = 'c' then co.collctype end as "lcCtype",
  to_jsonb(co) ->> 'collicurules' as rules,
  (select ds.description from pg_description ds where ds.objoid = co.oid and ds.classoid = 'pg_collation'::regclass and ds.objsubid = 0) as comment
from pg_collation co join pg_namespace n on n.oid = co.collnamespace
where %NS% and %NOTEXT(pg_collation, co.oid)%
order by 1, 2`
