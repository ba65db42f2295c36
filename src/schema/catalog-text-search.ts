/**
 * Catalog queries for text search dictionaries and configurations (parsers and templates need C
 * functions and are not modelled). A dictionary's options are pg_ts_dict.dictinitoption, the
 * text pg_dump prints; a configuration's mappings are read per token type (by alias), with the
 * dictionaries in the order they are consulted.
 */

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const COMMENT = (oid: string, cls: string) =>
  `(select ds.description from pg_description ds where ds.objoid = ${oid} and ds.classoid = '${cls}'::regclass and ds.objsubid = 0)`

export const TS_DICTIONARIES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(d.dictname) as name,
  (select ${QUAL('tn', 't.tmplname')} from pg_ts_template t join pg_namespace tn on tn.oid = t.tmplnamespace where t.oid = d.dicttemplate) as template,
  d.dictinitoption as options, ${COMMENT('d.oid', 'pg_ts_dict')} as comment
from pg_ts_dict d join pg_namespace n on n.oid = d.dictnamespace
where %NS% and %NOTEXT(pg_ts_dict, d.oid)%
order by 1, 2`

export const TS_CONFIGURATIONS_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(c.cfgname) as name,
  (select ${QUAL('pn', 'p.prsname')} from pg_ts_parser p join pg_namespace pn on pn.oid = p.prsnamespace where p.oid = c.cfgparser) as parser,
  coalesce((select json_object_agg(x.alias, x.dicts order by x.tok) from (
     select m.maptokentype as tok, (select t.alias from ts_token_type(c.cfgparser) t where t.tokid = m.maptokentype) as alias,
       json_agg(${QUAL('dn', 'd.dictname')} order by m.mapseqno) as dicts
     from pg_ts_config_map m join pg_ts_dict d on d.oid = m.mapdict join pg_namespace dn on dn.oid = d.dictnamespace
     where m.mapcfg = c.oid group by m.maptokentype) x), '{}') as mappings,
  ${COMMENT('c.oid', 'pg_ts_config')} as comment
from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace
where %NS% and %NOTEXT(pg_ts_config, c.oid)%
order by 1, 2`
