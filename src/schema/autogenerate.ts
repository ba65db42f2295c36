/**
 * autogenerate(): what the migrations build vs what the declared schema describes, as an
 * up/down pair. Replays the migrations into one shadow database, loads the declared schema into
 * another (one at a time on PGlite: see withShadows), introspects both and diffs (up: replayed →
 * declared, down: declared → replayed).
 */
import type { Change } from './diff/change.ts'
import { introspect } from './introspect.ts'
import type { SchemaModel } from './model.ts'
import { reconcileDeparsed } from './reconcile-deparse.ts'
import { type EnumValuesFirst, planEnumValuesFirst } from './enum-values-first.ts'
import { planMigration } from './render.ts'
import { loadTexts, withShadow, withShadows, type OpenDatabase, type SqlText } from './shadow.ts'

export interface AutogenerateOptions {
  /** Up-migration texts in apply order. */
  migrations: SqlText[]
  /** Declared-schema texts in load order. */
  declared: SqlText[]
  /** Opens a database by URL (pass `openDatabase` from src/db/open.ts). */
  open: OpenDatabase
  /** A postgres:// URL: use scratch databases on that server instead of in-memory PGlite. */
  shadowUrl?: string | undefined
  /** Only these schemas (default: all user schemas). */
  schemas?: string[] | undefined
  /** PostgreSQL major version the generated SQL must run on (see planMigration). */
  postgresVersion?: number | undefined
}

export interface AutogenerateResult {
  changes: Change[]
  /** SQL turning the migrated schema into the declared one ("" when nothing differs). */
  up: string
  /** SQL turning the declared schema back into the migrated one. */
  down: string
  /** "Detected ..." lines of the up direction (empty: no changes detected). */
  detected: string[]
  upStatements: string[]
  downStatements: string[]
  replayed: SchemaModel
  declared: SchemaModel
  /**
   * When an enum only gains values: the same changes as two migrations, the values first (to run
   * outside a transaction) and the rest after (see enum-values-first.ts). `create` writes these.
   */
  enumValuesFirst: EnumValuesFirst | undefined
}

export async function autogenerate(options: AutogenerateOptions): Promise<AutogenerateResult> {
  const io = { schemas: options.schemas }
  return await withShadows(options.open, options.shadowUrl,
    async (db) => {
      await loadTexts(db, options.migrations, 'migration')
      return await introspect(db, io)
    },
    async (db, replayedModel) => {
      await loadTexts(db, options.declared, 'declared schema')
      const declared = await introspect(db, io)
      const replayed = await replayedModel
      await reconcileDeparsed(db, declared, replayed)
      const plan = { postgresVersion: options.postgresVersion }
      return { ...planMigration(replayed, declared, plan), replayed, declared, enumValuesFirst: planEnumValuesFirst(replayed, declared, plan) }
    })
}

export interface DeclaredOptions {
  declared: SqlText[]
  /**
   * The model the declared one will be diffed against (the live database's, for `diff`): its
   * definitions that differ from the declared ones in text only are made equal (mutated).
   */
  against?: SchemaModel | undefined
  open: OpenDatabase
  shadowUrl?: string | undefined
  schemas?: string[] | undefined
}

/**
 * The model of the declared schema alone (loaded into one shadow database), for `diff`:
 * `planMigration(await introspect(live), await introspectDeclared(...))`.
 */
export async function introspectDeclared(options: DeclaredOptions): Promise<SchemaModel> {
  return await withShadow(options.open, options.shadowUrl, async (db) => {
    await loadTexts(db, options.declared, 'declared schema')
    const model = await introspect(db, { schemas: options.schemas })
    if (options.against) await reconcileDeparsed(db, model, options.against)
    return model
  })
}
