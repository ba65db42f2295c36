/**
 * The declared schema autogenerate compares against: `migrations/schema.sql` by default (or,
 * when there is no such file, the folder `migrations/schema/` that `sqlmig pull --split`
 * writes), or `schema` in sqlmig.json naming a file or a folder of .sql files (loaded in name
 * order).
 */
import { relative, resolve } from 'node:path'
import { isFolder, readSqlFiles } from '../files/project-files.ts'
import type { Config } from '../config.ts'
import type { SqlText } from '../schema/shadow.ts'
import type { Project } from './project-model.ts'

/** The declared-schema texts, or undefined when there is no declared schema. */
export function readDeclaredSchema(project: Project): SqlText[] | undefined {
  const show = (p: string) => relative(project.config.cwd, p) || p
  return readSqlFiles(declaredSchemaPath(project.config))?.map((f) => ({ name: show(f.path), sql: f.sql }))
}

/** The folder `pull --split` writes when "schema" is not configured: `<dir>/schema/`. */
export const defaultSchemaFolder = (config: Config): string => resolve(config.dir, 'schema')

/** Where the declared schema is read from: the configured path, or without the default file, the default folder. */
export function declaredSchemaPath(config: Config): string {
  const isDefault = resolve(config.schema) === resolve(config.dir, 'schema.sql')
  return isDefault && readSqlFiles(config.schema) === undefined && isFolder(defaultSchemaFolder(config)) ? defaultSchemaFolder(config) : config.schema
}

/** The up files of every revision, in topological order: what the migrations build. */
export function migrationTexts(project: Project): SqlText[] {
  return project.graph.topological().map((id) => {
    const s = project.scripts.get(id)!
    return { name: s.up.path, sql: s.up.text, transaction: s.up.transaction }
  })
}
