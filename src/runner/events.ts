/** What a run reports while it goes: progress lines for the CLI, records for --json. */
export type Direction = 'up' | 'down'

export type RunEvent =
  | { type: 'lock-wait'; holderPid: number | undefined; holderApplication: string | undefined }
  | { type: 'lock-acquired'; waitedMs: number }
  /** A `pglite:<dir>` data directory is open in another process (what its lock file names; undefined while unreadable). */
  | { type: 'database-wait'; holderPid: number | undefined; holderHost: string | undefined; holderStarted: string | undefined }
  /** `index` counts from 1 among the `total` steps of the run; `recordOnly`: stamp records the row and runs nothing. */
  | { type: 'step-start'; revision: string; direction: Direction; message: string; file: string; index: number; total: number; recordOnly: boolean }
  | { type: 'step-done'; revision: string; direction: Direction; ms: number; index: number; total: number; recordOnly: boolean }
  | { type: 'commit'; revisions: string[] }
  | { type: 'rollback'; reason: 'dry-run' | 'error' }

export type RunListener = (event: RunEvent) => void
