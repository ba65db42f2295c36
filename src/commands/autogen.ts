/**
 * `sqlmig check` and `sqlmig diff`, and the autogenerate step of `create`: compare what the
 * migrations build (replayed on a shadow database) with the declared schema.
 */
import type { Database } from '../db/database.ts'
import { isPgliteUrl, openDatabase } from '../db/open.ts'
import { embeddedOpenOptions, pgliteExtensionsFor } from './embedded.ts'
import { UsageError } from '../errors.ts'
import { autogenerate as autogenerateSchemas, type AutogenerateResult, introspectDeclared } from '../schema/autogenerate.ts'
import type { Change } from '../schema/diff/change.ts'
import { introspect } from '../schema/introspect.ts'
import { omitLargeObjects, omitVersionTable } from '../schema/omit-version-table.ts'
import { planMigration } from '../schema/render.ts'
import { migrationTexts, readDeclaredSchema } from './declared-schema.ts'
import { postgresTargetFor } from './target-version.ts'
import { type CommonOptions, openProject, type Project, withDatabase } from './project.ts'
import { hinting } from './hints.ts'
import { redactUrl } from '../redact.ts'

export interface AutogenOptions extends CommonOptions {
  /** A postgres:// URL: build the shadow databases there instead of in embedded PGlite. */
  shadowUrl?: string | undefined
}

/** One detected change, as `create`, `check` and `diff` report it. */
export interface DetectedChange {
  kind: string
  action: string
  name: string
  detected: string
  destructive: boolean
  /** True when sqlmig does not model it (kind "not modelled"): the migration must be written by hand. */
  unmodelled: boolean
}

export const toDetected = (changes: Change[]): DetectedChange[] =>
  changes.filter((c) => c.detected !== '').map((c) => ({ kind: c.kind, action: c.action, name: c.name, detected: c.detected, destructive: c.destructive === true, unmodelled: c.unmodelled === true }))

/** Opens a shadow database: a PGlite one with the extensions the project's SQL creates. */
function shadowOpener(project: Project): (url: string) => Promise<Database> {
  let extensions: string[] | undefined
  return (url) => openDatabase(url, isPgliteUrl(url) ? { pgliteExtensions: (extensions ??= pgliteExtensionsFor(project)) } : {})
}

/** Where the shadow databases are, for a progress line. */
function shadowWhere(shadowUrl: string | undefined): string {
  return shadowUrl ? `shadow databases on ${redactUrl(shadowUrl)}` : 'embedded PGlite shadow databases (a few seconds)'
}

function declaredOrThrow(project: Project, verb: string) {
  const declared = readDeclaredSchema(project)
  if (!declared) {
    throw new UsageError(`Cannot ${verb}: no declared schema at "${project.config.schema}"`, {
      hint: 'Write the schema you want as plain CREATE statements in migrations/schema.sql (or set "schema" in sqlmig.json)',
    })
  }
  return declared
}

/** Runs autogenerate for a project whose declared schema exists. */
export async function autogenerateFor(project: Project, shadowUrl: string | undefined, onInfo?: ((line: string) => void) | undefined): Promise<AutogenerateResult | undefined> {
  const declared = readDeclaredSchema(project)
  if (!declared) return undefined
  const n = project.scripts.size
  onInfo?.(`Building the ${n} migration${n === 1 ? '' : 's'} and the declared schema on ${shadowWhere(shadowUrl)} to compare them`)
  const target = await postgresTargetFor(project.config)
  return await autogenerateSchemas({ migrations: migrationTexts(project), declared, open: shadowOpener(project), shadowUrl, postgresVersion: target.major })
}

export interface CheckResult {
  /** True when the migrations build exactly the declared schema. */
  ok: boolean
  changes: DetectedChange[]
}

/** Compares the migrations with the declared schema (for CI): ok is false when they disagree. */
export async function check(options: AutogenOptions = {}): Promise<CheckResult> {
  return await hinting('check', () => unhintedCheck(options))
}

async function unhintedCheck(options: AutogenOptions = {}): Promise<CheckResult> {
  const project = openProject(options)
  declaredOrThrow(project, 'check')
  const r = (await autogenerateFor(project, options.shadowUrl ?? project.config.shadowUrl, options.onInfo))!
  const changes = toDetected(r.changes)
  return { ok: r.changes.length === 0, changes }
}

export interface DiffResult {
  /** SQL that brings the live database to the declared schema ("" when they agree). */
  sql: string
  changes: DetectedChange[]
  database: string
}

/** The SQL that would bring the live database (--url) to the declared schema; writes nothing. */
export async function diff(options: AutogenOptions = {}): Promise<DiffResult> {
  return await hinting('diff', () => unhintedDiff(options))
}

async function unhintedDiff(options: AutogenOptions = {}): Promise<DiffResult> {
  const project = openProject(options)
  const declared = declaredOrThrow(project, 'diff')
  // One shadow database for the declared schema; the live one is introspected where it is,
  // then the declared shadow checks which text-only differences are real.
  const target = await postgresTargetFor(project.config)
  return await withDatabase(project.config, options, async (db) => {
    const live = await introspect(db)
    options.onInfo?.(`Building the declared schema on ${shadowWhere(options.shadowUrl ?? project.config.shadowUrl)} to compare the database with it`)
    const want = await introspectDeclared({ declared, open: shadowOpener(project), shadowUrl: options.shadowUrl ?? project.config.shadowUrl, against: live })
    // The version table (whatever versionTable/versionSchema name it) is not part of the schema.
    const have = omitLargeObjects(omitVersionTable(live, project.versionTable, want))
    const plan = planMigration(have, omitLargeObjects(want), { postgresVersion: target.major })
    return { sql: plan.up, changes: toDetected(plan.changes), database: db.description }
  }, { arrays: true, ...embeddedOpenOptions(project, project.config.url) })
}

export interface AutogenerateSummary {
  /** SQL from what the migrations build to the declared schema ("" when they agree). */
  up: string
  /** SQL back from the declared schema to what the migrations build. */
  down: string
  changes: DetectedChange[]
}

/** The migration `create` would write, without writing it (throws when there is no declared schema). */
export async function autogenerate(options: AutogenOptions = {}): Promise<AutogenerateSummary> {
  const project = openProject(options)
  declaredOrThrow(project, 'autogenerate')
  const r = (await autogenerateFor(project, options.shadowUrl ?? project.config.shadowUrl, options.onInfo))!
  return { up: r.up, down: r.down, changes: toDetected(r.changes) }
}
