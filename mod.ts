/**
 * sqlmig: SQL-file-first migrations for PostgreSQL and embedded PGlite.
 *
 * Every CLI command is a typed async function here; an application migrates itself at startup
 * with one call:
 *
 * @example
 * ```ts
 * import { upgrade } from 'sqlmig'
 * await upgrade({ url: process.env.DATABASE_URL })
 * ```
 * @module
 */
import process from 'node:process'

export { autogenerate, type AutogenerateSummary, type AutogenOptions, check, type CheckResult, type DetectedChange, diff, type DiffResult } from './src/commands/autogen.ts'
export { type BranchesResult, branches, type BranchPoint } from './src/commands/branches.ts'
export { create, type CreateOptions, type CreateResult } from './src/commands/create.ts'
export { current, type CurrentOptions, type CurrentResult } from './src/commands/current.ts'
export { downgrade, type DowngradeOptions, downgradeSql } from './src/commands/downgrade.ts'
export { heads, type HeadsResult } from './src/commands/heads.ts'
export { history, type HistoryEntry, type HistoryOptions, type HistoryResult } from './src/commands/history.ts'
export { type ImportedMigration, importHistory, type ImportOptions, type ImportResult } from './src/commands/import.ts'
export { init, type InitOptions, type InitResult } from './src/commands/init.ts'
export { merge, type MergeOptions, type MergeResult } from './src/commands/merge.ts'
export type { MigrateOptions, MigrateResult, MigrationStep } from './src/commands/migrate.ts'
export type { CommonOptions } from './src/commands/project.ts'
export { backup, type BackupOptions, type BackupResult } from './src/commands/backup.ts'
export { type RehearsedMigration, type RehearseOptions, type RehearseResult, rehearse } from './src/commands/rehearse.ts'
export { show, type ShowResult, showTarget } from './src/commands/show.ts'
export { stamp, type StampOptions, type StampResult } from './src/commands/stamp.ts'
export { upgrade, type UpgradeOptions, type UpgradeResult, upgradeSql } from './src/commands/upgrade.ts'
export { verify, type VerifyFinding, type VerifyOptions, type VerifyResult } from './src/commands/verify.ts'
export type { Config, ConfigOptions, TransactionMode } from './src/config.ts'
export {
  AmbiguousRelativeTarget,
  ConnectionError,
  ExtensionUnavailableError,
  EXIT,
  ImportConflict,
  exitCodeOf,
  hasCode,
  InvalidMigrationError,
  LockTimeoutError,
  MigrationFailedError,
  RelativeOutOfRange,
  RevisionError,
  SqlmigError,
  SqlSyntaxError,
  StateError,
  UnmappableSourceError,
  type UnmappableSpot,
  UnsupportedOnTargetError,
  UsageError,
} from './src/errors.ts'
export type { ErrorCode, ErrorData, ErrorDataMap } from './src/errors.ts'
export type { RunEvent } from './src/runner/events.ts'
export { type Statement, splitStatements } from './src/sql/split.ts'
export { VERSION } from './src/version.ts'

if ((import.meta as { main?: boolean }).main) {
  const { runProcess } = await import('./src/cli/run-process.ts')
  await runProcess(process.argv.slice(2))
}
