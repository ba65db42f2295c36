/**
 * The declared schema autogenerate compares against: `migrations/schema.sql` by default, or
 * `schema` in sqlmig.json naming a file or a folder of .sql files (loaded in name order).
 */
import { relative } from 'node:path'
import { readSqlFiles } from '../files/project-files.ts'
import type { SqlText } from '../schema/shadow.ts'
import type { Project } from './project-model.ts'

/** The declared-schema texts, or undefined when there is no declared schema. */
export function readDeclaredSchema(project: Project): SqlText[] | undefined {
  const show = (p: string) => relative(project.config.cwd, p) || p
  return readSqlFiles(project.config.schema)?.map((f) => ({ name: show(f.path), sql: f.sql }))
}

/** The up files of every revision, in topological order: what the migrations build. */
export function migrationTexts(project: Project): SqlText[] {
  return project.graph.topological().map((id) => {
    const s = project.scripts.get(id)!
    return { name: s.up.path, sql: s.up.text, transaction: s.up.transaction }
  })
}
