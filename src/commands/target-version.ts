/**
 * The one place that decides which PostgreSQL major version autogenerate (create, diff, check)
 * writes SQL for: sqlmig.json "postgresVersion", else the server behind a configured postgres://
 * URL (--url, DATABASE_URL or sqlmig.json "url"; its server_version_num), else the oldest
 * supported version (13). The schema code gets the result as a parameter.
 */
import type { Config } from '../config.ts'
import { POSTGRES_VERSIONS } from '../config.ts'
import { isPgliteUrl, openDatabase } from '../db/open.ts'
import { OLDEST_POSTGRES, type PostgresTarget } from '../schema/postgres-target.ts'

export type { PostgresTarget } from '../schema/postgres-target.ts'

/** The major version of a server_version_num ("150010" → 15). */
export function majorOfVersionNum(num: string | number): number {
  return Math.floor(Number(num) / 10000)
}

/** The PostgreSQL version generated SQL must run on, and where that came from. */
export async function postgresTargetFor(config: Config): Promise<PostgresTarget> {
  if (config.postgresVersion !== undefined) return { major: config.postgresVersion, source: 'sqlmig.json' }
  if (config.urlSource !== 'default' && !isPgliteUrl(config.url) && /^postgres(ql)?:/i.test(config.url)) {
    const major = await serverMajor(config)
    if (major !== undefined) return { major: Math.min(Math.max(major, POSTGRES_VERSIONS.oldest), POSTGRES_VERSIONS.newest), source: 'server' }
  }
  return { major: OLDEST_POSTGRES, source: 'default' }
}

/** undefined when the server cannot be reached: the oldest version is then the safe choice. */
async function serverMajor(config: Config): Promise<number | undefined> {
  let db
  try {
    db = await openDatabase(config.url, { arrays: false, connectTimeoutSeconds: config.connectTimeout, applicationName: 'sqlmig' })
    const rows = await db.query<{ server_version_num: string }>('show server_version_num')
    const major = majorOfVersionNum(rows[0]?.server_version_num ?? NaN)
    return Number.isInteger(major) ? major : undefined
  } catch {
    return undefined
  } finally {
    await db?.close().catch(() => {})
  }
}
