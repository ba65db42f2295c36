/**
 * Catalog queries for rules (CREATE RULE, through pg_get_ruledef; a view's own _RETURN rule is
 * the view) and event triggers (database-wide, so they are read whatever the schema filter).
 */
import { VERSION_TABLE } from './catalog-queries.ts'

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const COMMENT = (oid: string, cls: string) =>
  `(select ds.description from pg_description ds where ds.objoid = ${oid} and ds.classoid = '${cls}'::regclass and ds.objsubid = 0)`

export const RULES_SQL = `
select ${QUAL('n', 'c.relname')} as rel, quote_ident(r.rulename) as name, pg_get_ruledef(r.oid) as definition,
  r.ev_enabled as enabled, ${COMMENT('r.oid', 'pg_rewrite')} as comment
from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
where r.rulename <> '_RETURN' and c.relname <> '${VERSION_TABLE}' and %NS% and %NOTEXT(pg_class, c.oid)%
order by 1, 2`

export const EVENT_TRIGGERS_SQL = `
select quote_ident(e.evtname) as name, e.evtevent as event, e.evtenabled as enabled,
  (select json_agg(t.tag order by t.i) from unnest(e.evttags) with ordinality t(tag, i)) as tags,
  (select ${QUAL('pn', 'p.proname')} || '()' from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace where p.oid = e.evtfoid) as function,
  ${COMMENT('e.oid', 'pg_event_trigger')} as comment
from pg_event_trigger e
where %NOTEXT(pg_event_trigger, e.oid)%
order by 1`
