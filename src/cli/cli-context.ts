/**
 * What the command registrations share with main(): the cac instance, the output functions
 * (redacted), the option mappers and the exit code. Built once per main() call.
 */
import type { CAC } from 'cac'
import type { MigrateResult } from '../commands/migrate.ts'
import type { CommonOptions } from '../commands/project.ts'

export const DEPRECATED_LOCK_TIMEOUT = 'Deprecated: the old name of --lock-wait'

export interface CliContext {
  cli: CAC
  /** A line to stdout / stderr (redacted). */
  out: (text: string) => void
  err: (text: string) => void
  /** --json was given. */
  json: () => boolean
  setExitCode: (code: number) => void
  /** The options every command takes, from the parsed flags. */
  common: (o: Record<string, unknown>) => CommonOptions
  /** The data as JSON with --json, else the text. */
  print: (data: unknown, text: () => string) => void
  /** `--sql`: the script (and what runs before an irreversible stop). */
  printScript: (make: () => Promise<string>) => Promise<void>
  migrateOptions: (o: Record<string, unknown>) => CommonOptions & {
    signal: AbortSignal | undefined
    transaction: 'all' | 'per-migration' | undefined
    dryRun: boolean
    allowChanged: boolean
    allowUntracked?: boolean
    lock?: 'advisory' | 'table' | undefined
  }
  migrateJson: (r: MigrateResult & { alreadyApplied?: string[] | undefined }) => Record<string, unknown>
  runSignal: () => AbortSignal | undefined
}
