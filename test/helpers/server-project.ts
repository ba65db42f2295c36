/** A migrations project in a temp folder with a fresh database on the server, for tests of the runner's wire-level behaviour. */
import { openDatabase } from '../../src/db/open.ts'
import { chain, migrationFiles, tempProject } from './cli.ts'
import { newTarget } from './targets.ts'

/** Runs `body` on a project of `specs` (a chain) and a new server database; removes both after. */
export async function withServerProject<T>(specs: Parameters<typeof chain>[0], body: (dir: string, url: string) => Promise<T>): Promise<T> {
  const p = tempProject(migrationFiles(chain(specs)))
  const t = await newTarget('postgres')
  try {
    return await body(p.dir, t.url)
  } finally {
    p.cleanup()
    await t.cleanup()
  }
}

/** The first column of the first row of `sql`, on a session of its own. */
export async function scalar<T>(url: string, sql: string): Promise<T> {
  const db = await openDatabase(url)
  try {
    return Object.values((await db.query<Record<string, T>>(sql))[0]!)[0]!
  } finally {
    await db.close()
  }
}
