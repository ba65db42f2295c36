/**
 * The declared schema autogenerate compares against: `migrations/schema.sql` by default, or
 * `schema` in sqlmig.json naming a file or a folder of .sql files (loaded in name order).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { SqlText } from '../schema/shadow.ts'
import type { Project } from './project.ts'

/** The declared-schema texts, or undefined when there is no declared schema. */
export function readDeclaredSchema(project: Project): SqlText[] | undefined {
  const path = project.config.schema
  if (!existsSync(path)) return undefined
  const show = (p: string) => relative(project.config.cwd, p) || p
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path).filter((n) => n.endsWith('.sql')).sort()
    return names.map((n) => ({ name: show(join(path, n)), sql: readFileSync(join(path, n), 'utf8') }))
  }
  return [{ name: show(path), sql: readFileSync(path, 'utf8') }]
}

/** The up files of every revision, in topological order: what the migrations build. */
export function migrationTexts(project: Project): SqlText[] {
  return project.graph.topological().map((id) => {
    const s = project.scripts.get(id)!
    return { name: s.up.path, sql: s.up.text, transaction: s.up.transaction }
  })
}
