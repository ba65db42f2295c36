/**
 * Catalog query for aggregates (CREATE AGGREGATE). pg_get_functiondef refuses aggregates, so the
 * definition is rebuilt from pg_aggregate, as pg_dump does: support functions as regproc text
 * (qualified under the empty search_path), types through format_type, the sort operator as
 * OPERATOR(schema.op). Only pg_aggregate columns present in PostgreSQL 13 through 18 are read.
 */
const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const FN = (col: string) => `case when a.${col} <> 0 then a.${col}::regproc::text end`

export const AGGREGATES_SQL = `
select quote_ident(n.nspname) as schema, quote_ident(p.proname) as name,
  ${QUAL('n', 'p.proname')} || '(' || oidvectortypes(p.proargtypes) || ')' as key,
  pg_get_function_arguments(p.oid) as args, pg_get_function_identity_arguments(p.oid) as "identityArgs",
  a.aggkind as kind, ${FN('aggtransfn')} as sfunc, format_type(a.aggtranstype, null) as stype, a.aggtransspace as sspace,
  ${FN('aggfinalfn')} as finalfunc, a.aggfinalextra as "finalExtra", a.aggfinalmodify as "finalModify",
  ${FN('aggcombinefn')} as combinefunc, ${FN('aggserialfn')} as serialfunc, ${FN('aggdeserialfn')} as deserialfunc,
  a.agginitval as initcond,
  ${FN('aggmtransfn')} as msfunc, ${FN('aggminvtransfn')} as minvfunc,
  case when a.aggmtranstype <> 0 then format_type(a.aggmtranstype, null) end as mstype, a.aggmtransspace as msspace,
  ${FN('aggmfinalfn')} as mfinalfunc, a.aggmfinalextra as "mfinalExtra", a.aggmfinalmodify as "mfinalModify", a.aggminitval as minitcond,
  (select 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')' from pg_operator o join pg_namespace opn on opn.oid = o.oprnamespace
     where o.oid = a.aggsortop) as sortop,
  p.proparallel as parallel,
  (select ds.description from pg_description ds where ds.objoid = p.oid and ds.classoid = 'pg_proc'::regclass and ds.objsubid = 0) as comment
from pg_proc p join pg_aggregate a on a.aggfnoid = p.oid join pg_namespace n on n.oid = p.pronamespace
where p.prokind = 'a' and %NS% and %NOTEXT(pg_proc, p.oid)%
order by 1, 2, 3`
