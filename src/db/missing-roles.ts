/**
 * Roles on a throwaway embedded database (a PGlite shadow, verify's pglite:memory): the roles
 * the SQL names that do not exist there are created NOLOGIN, so `OWNER TO app` or
 * `GRANT ... TO reader` load as they do on the user's server. Never used on a server: roles
 * there are the user's to manage.
 */
import { quoteIdent } from '../sql/quote.ts'
import type { Database } from './database.ts'


/** Creates (NOLOGIN) each role of `roles` that `db` lacks; returns the ones created. */
export async function createMissingRoles(db: Database, roles: readonly string[]): Promise<string[]> {
  if (roles.length === 0) return []
  const existing = new Set((await db.query<{ rolname: string }>('select rolname from pg_catalog.pg_roles')).map((r) => r.rolname))
  const missing = roles.filter((r) => !existing.has(r))
  if (missing.length > 0) await db.exec(missing.map((r) => `CREATE ROLE ${quoteIdent(r)} NOLOGIN;`).join('\n'))
  return missing
}
