/**
 * Catalog query for publications (CREATE PUBLICATION; database-wide, so read whatever the schema
 * filter). Schema members (FOR TABLES IN SCHEMA), row filters and column lists exist from
 * PostgreSQL 15 on, so the query is built for the server's version: older servers read none.
 */

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`

/** The publications query for a server of `version` (server_version_num). */
export function publicationsSql(version: number): string {
  const v15 = version >= 150000
  const columns = v15
    ? `(select json_agg(quote_ident(a.attname) order by a.attnum) from pg_attribute a
         where a.attrelid = pr.prrelid and a.attnum = any (pr.prattrs::int2[]))`
    : 'null::json'
  const where = v15 ? 'pg_get_expr(pr.prqual, pr.prrelid)' : 'null::text'
  const schemas = v15
    ? `coalesce((select json_agg(quote_ident(sn.nspname) order by sn.nspname) from pg_publication_namespace pn
         join pg_namespace sn on sn.oid = pn.pnnspid where pn.pnpubid = p.oid), '[]')`
    : `'[]'::json`
  return `
select quote_ident(p.pubname) as name, p.puballtables as "allTables",
  p.pubinsert as "insert", p.pubupdate as "update", p.pubdelete as "delete", p.pubtruncate as "truncate",
  p.pubviaroot as "viaRoot",
  coalesce((select json_object_agg(x.rel, json_build_object('columns', x.columns, 'where', x.qual) order by x.rel) from (
     select ${QUAL('tn', 'tc.relname')} as rel, ${columns} as columns, ${where} as qual
     from pg_publication_rel pr join pg_class tc on tc.oid = pr.prrelid join pg_namespace tn on tn.oid = tc.relnamespace
     where pr.prpubid = p.oid) x), '{}') as tables,
  ${schemas} as schemas,
  (select ds.description from pg_description ds where ds.objoid = p.oid and ds.classoid = 'pg_publication'::regclass and ds.objsubid = 0) as comment
from pg_publication p
order by 1`
}
