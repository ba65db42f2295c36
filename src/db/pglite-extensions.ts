/**
 * The contrib extensions PGlite ships as separate modules (@electric-sql/pglite/contrib/*),
 * loaded only when a session needs them: each costs start-up time (its files are unpacked into
 * the WASM file system). Extension names are PostgreSQL's ("uuid-ossp"); the README's list and
 * test/db/pglite-extensions.test.ts keep this table equal to the package's.
 */
import type { Extension } from '@electric-sql/pglite'
import { ExtensionUnavailableError } from '../errors.ts'

type Loader = () => Promise<Extension>

/** Extension name → its module, imported lazily (literal specifiers, so Deno and bundlers see them). */
const MODULES: Record<string, Loader> = {
  amcheck: async () => (await import('@electric-sql/pglite/contrib/amcheck')).amcheck,
  auto_explain: async () => (await import('@electric-sql/pglite/contrib/auto_explain')).auto_explain,
  bloom: async () => (await import('@electric-sql/pglite/contrib/bloom')).bloom,
  btree_gin: async () => (await import('@electric-sql/pglite/contrib/btree_gin')).btree_gin,
  btree_gist: async () => (await import('@electric-sql/pglite/contrib/btree_gist')).btree_gist,
  citext: async () => (await import('@electric-sql/pglite/contrib/citext')).citext,
  cube: async () => (await import('@electric-sql/pglite/contrib/cube')).cube,
  dict_int: async () => (await import('@electric-sql/pglite/contrib/dict_int')).dict_int,
  dict_xsyn: async () => (await import('@electric-sql/pglite/contrib/dict_xsyn')).dict_xsyn,
  earthdistance: async () => (await import('@electric-sql/pglite/contrib/earthdistance')).earthdistance,
  file_fdw: async () => (await import('@electric-sql/pglite/contrib/file_fdw')).file_fdw,
  fuzzystrmatch: async () => (await import('@electric-sql/pglite/contrib/fuzzystrmatch')).fuzzystrmatch,
  hstore: async () => (await import('@electric-sql/pglite/contrib/hstore')).hstore,
  intarray: async () => (await import('@electric-sql/pglite/contrib/intarray')).intarray,
  isn: async () => (await import('@electric-sql/pglite/contrib/isn')).isn,
  lo: async () => (await import('@electric-sql/pglite/contrib/lo')).lo,
  ltree: async () => (await import('@electric-sql/pglite/contrib/ltree')).ltree,
  moddatetime: async () => (await import('@electric-sql/pglite/contrib/moddatetime')).moddatetime,
  pageinspect: async () => (await import('@electric-sql/pglite/contrib/pageinspect')).pageinspect,
  pg_buffercache: async () => (await import('@electric-sql/pglite/contrib/pg_buffercache')).pg_buffercache,
  pg_freespacemap: async () => (await import('@electric-sql/pglite/contrib/pg_freespacemap')).pg_freespacemap,
  pg_stat_statements: async () => (await import('@electric-sql/pglite/contrib/pg_stat_statements')).pg_stat_statements,
  pg_surgery: async () => (await import('@electric-sql/pglite/contrib/pg_surgery')).pg_surgery,
  pg_trgm: async () => (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm,
  pg_visibility: async () => (await import('@electric-sql/pglite/contrib/pg_visibility')).pg_visibility,
  pg_walinspect: async () => (await import('@electric-sql/pglite/contrib/pg_walinspect')).pg_walinspect,
  pgcrypto: async () => (await import('@electric-sql/pglite/contrib/pgcrypto')).pgcrypto,
  seg: async () => (await import('@electric-sql/pglite/contrib/seg')).seg,
  tablefunc: async () => (await import('@electric-sql/pglite/contrib/tablefunc')).tablefunc,
  tcn: async () => (await import('@electric-sql/pglite/contrib/tcn')).tcn,
  tsm_system_rows: async () => (await import('@electric-sql/pglite/contrib/tsm_system_rows')).tsm_system_rows,
  tsm_system_time: async () => (await import('@electric-sql/pglite/contrib/tsm_system_time')).tsm_system_time,
  unaccent: async () => (await import('@electric-sql/pglite/contrib/unaccent')).unaccent,
  'uuid-ossp': async () => (await import('@electric-sql/pglite/contrib/uuid_ossp')).uuid_ossp,
}

/** Built into PGlite itself: nothing to load. */
const BUILT_IN = ['plpgsql']

/** Extensions another one requires (its control file's `requires`): loaded with it. */
const REQUIRES: Record<string, string[]> = { earthdistance: ['cube'] }

/**
 * Loaded after the others. PGlite 0.5.16: with pgcrypto's module given before another one
 * (cube, earthdistance, ...), digest('x', 'sha256') fails now and then with "Cipher cannot be
 * initialized" (3 runs in 40); given last, it did not fail in 80 runs.
 */
const LOAD_LAST = ['pgcrypto']

/** Every extension the embedded database can create, sorted. */
export const PGLITE_EXTENSIONS: readonly string[] = [...BUILT_IN, ...Object.keys(MODULES)].sort()

/** The names with the extensions they require, in load order; throws ExtensionUnavailableError naming every unknown one. */
export function withRequired(names: readonly string[]): string[] {
  const missing = names.filter((n) => !MODULES[n] && !BUILT_IN.includes(n))
  if (missing.length > 0) throw new ExtensionUnavailableError([...new Set(missing)], PGLITE_EXTENSIONS)
  const out = new Set<string>()
  const add = (n: string) => {
    for (const r of REQUIRES[n] ?? []) add(r)
    out.add(n)
  }
  for (const n of names) add(n)
  const list = [...out].filter((n) => MODULES[n])
  return [...list.filter((n) => !LOAD_LAST.includes(n)), ...list.filter((n) => LOAD_LAST.includes(n))]
}

/** The `extensions` option of PGlite.create for these extension names (and what they require). */
export async function pgliteExtensionModules(names: readonly string[]): Promise<Record<string, Extension>> {
  const modules = await Promise.all(withRequired(names).map(async (n) => [n.replaceAll('-', '_'), await MODULES[n]!()] as const))
  return Object.fromEntries(modules)
}
