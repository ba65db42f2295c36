/**
 * Issue 14, item 7: each corpus case planned from PGlite (PostgreSQL 18) shadows for the
 * PostgreSQL 15 server it will run on (postgresVersion 15), applied there, and judged against
 * the shadows with compareModels(..., { postgresVersion: 15 }): up reaches "after", down
 * "before". A case that needs a newer version must fail with UnsupportedOnTargetError.
 *
 * The shadows are the PGlite bench of corpus-pglite-shard.ts, which runs this check beside its
 * own round trip: the models of "before" and "after" its round trip has just loaded are the
 * shadows' models (loading them again would be the same work twice, ~60 s of CPU per run), and
 * the server's half of this check runs while PGlite goes on with the round trip.
 */
import * as assert from 'uvu/assert'
import { UnsupportedOnTargetError } from '../../src/errors.ts'
import { compareModels, type Difference } from '../../src/schema/compare.ts'
import { introspect } from '../../src/schema/introspect.ts'
import type { SchemaModel } from '../../src/schema/model.ts'
import { planMigration } from '../../src/schema/render.ts'
import { adminExec } from '../helpers/targets.ts'
import { type Bench, type CorpusCase, load, runInTransaction } from './harness.ts'

export const TARGET = 15

/** The test's name for a case. */
export const crossVersionName = (c: CorpusCase): string => `PGlite shadow, PostgreSQL ${TARGET} server: up and down round-trip when ${c.name}`

/**
 * PostgreSQL 16 stopped qualifying the columns of a single-relation view (`SELECT id FROM t`, 15:
 * `SELECT t.id FROM t`): the same view, deparsed by two versions. Not a difference this test
 * judges (not item 7's: comparing what a view means across deparsers is item 5); every other
 * difference is. Names are unqualified on both sides, then compared.
 */
function sameAcrossDeparsers(d: Difference): boolean {
  const m = /^definition: (".*") <> (".*")$/s.exec(d.what)
  if (d.kind !== 'view' || !m) return false
  const plain = (s: string) => (JSON.parse(s) as string).replace(/(\b[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")\./g, '')
  return plain(m[1]!) === plain(m[2]!)
}
const judged = (diffs: Difference[]) => diffs.filter((d) => !sameAcrossDeparsers(d))

/** The shadows' models of a case, loaded into the PGlite bench (when the round trip did not get that far). */
export async function loadShadows(shadow: Bench, c: CorpusCase): Promise<[SchemaModel, SchemaModel]> {
  for (const r of c.roles ?? []) {
    const sql = `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE "${r}"; END IF; END $$`
    await Promise.all([shadow.a.exec(sql), shadow.b.exec(sql)])
  }
  return await Promise.all([load(shadow.a, c.before, `${c.name} (before)`), load(shadow.b, c.after, `${c.name} (after)`)])
}

/** The check, given the shadows' models of "before" and "after"; throws an assertion error when it fails. */
export async function crossVersionCheck(server: Bench, c: CorpusCase, before: SchemaModel, after: SchemaModel): Promise<void> {
  for (const r of c.roles ?? []) {
    if (server.roles.has(r)) continue
    await adminExec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE "${r}"; END IF; END $$`)
    server.roles.add(r)
  }
  await load(server.a, c.before, `${c.name} (before, server)`)
  let plan
  try {
    plan = planMigration(before, after, { postgresVersion: TARGET })
  } catch (e) {
    assert.instance(e, UnsupportedOnTargetError, (e as Error).message)
    return
  }
  await runInTransaction(server.a, plan.upStatements, `${c.name} up`)
  const up = judged(compareModels(await introspect(server.a), after, { postgresVersion: TARGET }))
  assert.equal(up, [], `after up:\n${plan.up}`)
  await runInTransaction(server.a, plan.downStatements, `${c.name} down`)
  const down = judged(compareModels(await introspect(server.a), before, { postgresVersion: TARGET }))
  assert.equal(down, [], `after down:\n${plan.down}`)
}
