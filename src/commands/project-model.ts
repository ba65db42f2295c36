/**
 * The data every command works on once the files are read. Its own module so that project.ts,
 * which opens projects, and the modules it uses (embedded.ts, declared-schema.ts), which read
 * them, need not import each other (no import cycle).
 */
import type { Config } from '../config.ts'
import type { Script } from '../files/script.ts'
import type { RevisionGraph } from '../graph/revision-graph.ts'
import type { VersionTableName } from '../runner/version-table.ts'

/** The configuration, the migration files by revision, their graph and the version table's name. */
export interface Project {
  config: Config
  scripts: Map<string, Script>
  graph: RevisionGraph<Script>
  versionTable: VersionTableName
}
