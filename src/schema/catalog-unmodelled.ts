/**
 * What sqlmig does not model, read so that `check` can say so instead of passing silently: user
 * objects of kinds autogenerate cannot write (operator classes and families, text search parsers
 * and templates, statistics objects, conversions, access methods, languages, transforms,
 * subscriptions, large objects), and attributes of modelled objects it does not write (owners
 * of collations, event triggers, publications, wrappers, servers, text search objects,
 * operators and foreign tables; privileges on foreign tables, wrappers and servers; check
 * constraints on foreign tables; foreign tables as partitions or children).
 *
 * One row per finding: kind and name of the object, the attribute (null for the whole object)
 * and a value that changes when it does (a definition, an owner, an ACL). Attributes are read
 * only where they are not the default (an owner other than the introspecting role, an ACL other
 * than acldefault), so an object that exists on one side only is not reported twice. Objects of
 * extensions (pg_depend deptype 'e') and built-in ones (oid below 16384) are left out.
 */
import { ENTRIES, OWNER } from './catalog-security.ts'

const QUAL = (ns: string, rel: string) => `quote_ident(${ns}.nspname) || '.' || quote_ident(${rel})`
const USER_OID = (oid: string) => `${oid} >= 16384`
const ME = `(select r.oid from pg_roles r where r.rolname = current_user)`
/** Operators and support functions of an operator family, as CREATE OPERATOR CLASS lists them. */
const FAMILY_MEMBERS = (fam: string) => `concat_ws(', ',
    (select string_agg('OPERATOR ' || o.amopstrategy || ' ' || o.amopopr::regoperator::text, ', ' order by o.amopstrategy, o.amopopr::regoperator::text) from pg_amop o where o.amopfamily = ${fam}),
    (select string_agg('FUNCTION ' || p.amprocnum || ' ' || p.amproc::regprocedure::text, ', ' order by p.amprocnum, p.amproc::regprocedure::text) from pg_amproc p where p.amprocfamily = ${fam}))`
/** An owner row when the owner is not the introspecting role. */
const OWNER_ROW = (kind: string, name: string, owner: string, from: string) =>
  `select '${kind}', ${name}, 'owner', ${OWNER(owner)} ${from} and ${owner} <> ${ME}`
/** A privileges row when the ACL is set and not the built-in default. */
const ACL_ROW = (kind: string, name: string, acl: string, k: string, owner: string, from: string) =>
  `select '${kind}', ${name}, 'privileges', ${ENTRIES(acl, owner)}::text ${from} and ${acl} is not null and ${acl} <> acldefault('${k}', ${owner})`

export const UNMODELLED_SQL = `
select u.kind, u.name, u.attribute, u.value from (
  select 'operator class' as kind, ${QUAL('n', 'c.opcname')} || ' USING ' || quote_ident(am.amname) as name, null::text as attribute,
    'FOR TYPE ' || format_type(c.opcintype, null) || case when c.opcdefault then ' DEFAULT' else '' end
      || ' FAMILY ' || ${QUAL('fn', 'f.opfname')} || ': ' || ${FAMILY_MEMBERS('f.oid')} as value
  from pg_opclass c join pg_namespace n on n.oid = c.opcnamespace join pg_am am on am.oid = c.opcmethod
    join pg_opfamily f on f.oid = c.opcfamily join pg_namespace fn on fn.oid = f.opfnamespace
  where %NS% and %NOTEXT(pg_opclass, c.oid)%
  union all
  -- A family made implicitly by CREATE OPERATOR CLASS (same name, schema and method) is its class's.
  select 'operator family', ${QUAL('n', 'f.opfname')} || ' USING ' || quote_ident(am.amname), null, ${FAMILY_MEMBERS('f.oid')}
  from pg_opfamily f join pg_namespace n on n.oid = f.opfnamespace join pg_am am on am.oid = f.opfmethod
  where %NS% and %NOTEXT(pg_opfamily, f.oid)%
    and not exists (select 1 from pg_opclass c where c.opcfamily = f.oid and c.opcname = f.opfname and c.opcnamespace = f.opfnamespace)
  union all
  select 'text search parser', ${QUAL('n', 'p.prsname')}, null, concat_ws(' ', p.prsstart::regproc, p.prstoken::regproc, p.prsend::regproc, p.prsheadline::regproc, p.prslextype::regproc)
  from pg_ts_parser p join pg_namespace n on n.oid = p.prsnamespace where %NS% and %NOTEXT(pg_ts_parser, p.oid)%
  union all
  select 'text search template', ${QUAL('n', 't.tmplname')}, null, concat_ws(' ', t.tmplinit::regproc, t.tmpllexize::regproc)
  from pg_ts_template t join pg_namespace n on n.oid = t.tmplnamespace where %NS% and %NOTEXT(pg_ts_template, t.oid)%
  union all
  select 'statistics object', ${QUAL('n', 's.stxname')}, null, pg_get_statisticsobjdef(s.oid)
  from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace where %NS% and %NOTEXT(pg_statistic_ext, s.oid)%
  union all
  select 'conversion', ${QUAL('n', 'c.conname')}, null, pg_encoding_to_char(c.conforencoding) || ' TO ' || pg_encoding_to_char(c.contoencoding) || ' FROM ' || c.conproc::regproc::text || case when c.condefault then ' DEFAULT' else '' end
  from pg_conversion c join pg_namespace n on n.oid = c.connamespace where ${USER_OID('c.oid')} and %NS% and %NOTEXT(pg_conversion, c.oid)%
  union all
  select 'access method', quote_ident(a.amname), null, a.amtype::text || ' ' || a.amhandler::regproc::text
  from pg_am a where ${USER_OID('a.oid')} and %NOTEXT(pg_am, a.oid)%
  union all
  select 'language', quote_ident(l.lanname), null, null
  from pg_language l where ${USER_OID('l.oid')} and %NOTEXT(pg_language, l.oid)%
  union all
  select 'transform', 'FOR ' || format_type(t.trftype, null) || ' LANGUAGE ' || quote_ident(l.lanname), null, null
  from pg_transform t join pg_language l on l.oid = t.trflang where %NOTEXT(pg_transform, t.oid)%
  union all
  select 'subscription', quote_ident(s.subname), null, null
  from pg_subscription s where s.subdbid = (select d.oid from pg_database d where d.datname = current_database())
  union all
  select 'large objects', 'in the database', null, count(*)::text from pg_largeobject_metadata having count(*) > 0
  union all
  select 'foreign table', ${QUAL('n', 'c.relname')}, 'check constraint ' || quote_ident(k.conname), pg_get_constraintdef(k.oid)
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'f' and k.contype = 'c' and %NS% and %NOTEXT(pg_class, c.oid)%
  union all
  select 'foreign table', ${QUAL('n', 'c.relname')}, 'parent', ${QUAL('pn', 'p.relname')} || coalesce(' ' || pg_get_expr(c.relpartbound, c.oid), '')
  from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
  where c.relkind = 'f' and %NS% and %NOTEXT(pg_class, c.oid)%
  union all
  ${OWNER_ROW('collation', QUAL('n', 'c.collname'), 'c.collowner', `from pg_collation c join pg_namespace n on n.oid = c.collnamespace where %NS% and %NOTEXT(pg_collation, c.oid)%`)}
  union all
  ${OWNER_ROW('operator', 'o.oid::regoperator::text', 'o.oprowner', `from pg_operator o join pg_namespace n on n.oid = o.oprnamespace where o.oprcode <> 0 and %NS% and %NOTEXT(pg_operator, o.oid)%`)}
  union all
  ${OWNER_ROW('text search dictionary', QUAL('n', 'd.dictname'), 'd.dictowner', `from pg_ts_dict d join pg_namespace n on n.oid = d.dictnamespace where %NS% and %NOTEXT(pg_ts_dict, d.oid)%`)}
  union all
  ${OWNER_ROW('text search configuration', QUAL('n', 'c.cfgname'), 'c.cfgowner', `from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace where %NS% and %NOTEXT(pg_ts_config, c.oid)%`)}
  union all
  ${OWNER_ROW('event trigger', 'quote_ident(e.evtname)', 'e.evtowner', `from pg_event_trigger e where %NOTEXT(pg_event_trigger, e.oid)%`)}
  union all
  ${OWNER_ROW('publication', 'quote_ident(p.pubname)', 'p.pubowner', `from pg_publication p where %NOTEXT(pg_publication, p.oid)%`)}
  union all
  ${OWNER_ROW('foreign data wrapper', 'quote_ident(w.fdwname)', 'w.fdwowner', `from pg_foreign_data_wrapper w where %NOTEXT(pg_foreign_data_wrapper, w.oid)%`)}
  union all
  ${ACL_ROW('foreign data wrapper', 'quote_ident(w.fdwname)', 'w.fdwacl', 'F', 'w.fdwowner', `from pg_foreign_data_wrapper w where %NOTEXT(pg_foreign_data_wrapper, w.oid)%`)}
  union all
  ${OWNER_ROW('foreign server', 'quote_ident(s.srvname)', 's.srvowner', `from pg_foreign_server s where %NOTEXT(pg_foreign_server, s.oid)%`)}
  union all
  ${ACL_ROW('foreign server', 'quote_ident(s.srvname)', 's.srvacl', 'S', 's.srvowner', `from pg_foreign_server s where %NOTEXT(pg_foreign_server, s.oid)%`)}
  union all
  ${OWNER_ROW('foreign table', QUAL('n', 'c.relname'), 'c.relowner', `from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'f' and %NS% and %NOTEXT(pg_class, c.oid)%`)}
  union all
  ${ACL_ROW('foreign table', QUAL('n', 'c.relname'), 'c.relacl', 'r', 'c.relowner', `from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'f' and %NS% and %NOTEXT(pg_class, c.oid)%`)}
) u
order by 1, 2, 3`
