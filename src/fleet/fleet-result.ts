/** What a fleet run reports, per target and in sum, as plain data (the --json shape). */
import { EXIT, SqlmigError } from '../errors.ts'
import type { Outcome, SkipReason } from './scheduler.ts'
import type { FleetTarget } from './sources.ts'

/** A target's error as data: what `--json` prints for it. */
export interface TargetError {
  code: string
  message: string
  /** file:line:column when the error points at a migration file. */
  location: { file: string; line?: number | undefined; column?: number | undefined } | null
  detail: string | null
  hint: string | null
  /** The exit code this error alone would give (4: lock timeout). */
  exitCode: number
}

/** The outcome of one target. */
export interface FleetTargetResult {
  /** The URL without its password (`#schema` in --schemas mode). */
  target: string
  status: 'ok' | 'failed' | 'skipped'
  /** Revisions before the run; for a failed target, where it is after the failure (unknown: []). */
  from: string[]
  to: string[]
  /** Migrations applied. */
  steps: number
  ms: number
  error: TargetError | null
  /** Why a skipped target did not run. */
  skipped?: SkipReason | undefined
  /** The target's own command result, for the commands whose report carries it (rehearse, diff). */
  detail?: unknown
}

/** The whole run. */
export interface FleetResult {
  targets: FleetTargetResult[]
  ok: number
  failed: number
  skipped: number
  /** Failed targets that timed out waiting for their lock (exit 4). */
  lockTimeouts: number
  /** The run was interrupted (Ctrl-C): the exit code of the signal. */
  interrupted: number | undefined
}

/** An error as data. */
export function targetError(error: unknown): TargetError {
  if (error instanceof SqlmigError) {
    return { code: error.code, message: error.message, location: error.location ?? null, detail: error.detail ?? null, hint: error.hint ?? null, exitCode: error.exitCode }
  }
  return { code: 'INTERNAL', message: String((error as Error)?.message ?? error), location: null, detail: null, hint: null, exitCode: EXIT.failed }
}

/** What a command's result says of a target: where it was, where it is, how many steps, and optionally its own result. */
export interface FleetShape {
  from: string[]
  to: string[]
  steps: number
  detail?: unknown
}

/** Sums the outcomes; `shape` turns an ok value into from/to/steps. */
export function fleetResult<R>(
  outcomes: Outcome<FleetTarget, R>[],
  shape: (value: R) => FleetShape,
  signal: AbortSignal | undefined,
  /** Where a failed target is, when it could be read after the failure. */
  whereNow?: Map<FleetTarget, string[]>,
): FleetResult {
  const targets = outcomes.map((o): FleetTargetResult => {
    if (o.status === 'ok') return { target: o.target.label, status: 'ok', ...shape(o.value), ms: Math.round(o.ms), error: null }
    if (o.status === 'failed') {
      const at = whereNow?.get(o.target) ?? []
      return { target: o.target.label, status: 'failed', from: at, to: at, steps: 0, ms: Math.round(o.ms), error: targetError(o.error) }
    }
    return { target: o.target.label, status: 'skipped', from: [], to: [], steps: 0, ms: 0, error: null, skipped: o.reason }
  })
  const reason = signal?.aborted ? signal.reason : undefined
  return {
    targets,
    ok: targets.filter((t) => t.status === 'ok').length,
    failed: targets.filter((t) => t.status === 'failed').length,
    skipped: targets.filter((t) => t.status === 'skipped').length,
    lockTimeouts: targets.filter((t) => t.error?.code === 'LOCK_TIMEOUT').length,
    interrupted: signal?.aborted ? (reason instanceof SqlmigError ? reason.exitCode : EXIT.sigint) : undefined,
  }
}

/** 0 all ok, 4 any lock timeout, 1 any other failure; the signal's code when interrupted. */
export function fleetExitCode(r: FleetResult): number {
  if (r.interrupted !== undefined) return r.interrupted
  if (r.lockTimeouts > 0) return EXIT.lockTimeout
  return r.failed > 0 || r.skipped > 0 ? EXIT.failed : EXIT.ok
}
