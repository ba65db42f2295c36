/**
 * What the embedded database (PGlite) must be given before a project's SQL runs on it, decided
 * here and only here: the contrib extensions the migration files and the declared schema create
 * (plus sqlmig.json "pgliteExtensions"), passed to openDatabase as `pgliteExtensions`. A server
 * is never affected: the option means nothing there.
 */
import type { OpenOptions } from '../db/open.ts'
import { isPgliteUrl } from '../db/open.ts'
import { createdExtensions } from '../sql/extensions.ts'
import { readDeclaredSchema } from './declared-schema.ts'
import type { Project } from './project-model.ts'

/** Every SQL text of the project: each revision's up and down files, and the declared schema. */
export function projectTexts(project: Project): string[] {
  const texts: string[] = []
  for (const s of project.scripts.values()) texts.push(s.up.text, s.down.text)
  for (const d of readDeclaredSchema(project) ?? []) texts.push(d.sql)
  return texts
}

/** The extensions a PGlite session of this project loads: config first, then those the SQL creates, in order. */
export function pgliteExtensionsFor(project: Project): string[] {
  const out = new Set(project.config.pgliteExtensions)
  for (const t of projectTexts(project)) for (const e of createdExtensions(t)) out.add(e)
  return [...out]
}

/** OpenOptions for `url` in this project: on a pglite: URL, the extensions to load. */
export function embeddedOpenOptions(project: Project, url: string): OpenOptions {
  return isPgliteUrl(url) ? { pgliteExtensions: pgliteExtensionsFor(project) } : {}
}
