/** Text and --json of a fleet run: one line per target, a summary, and the progress line. */
import pc from 'picocolors'
import type { DiffResult } from '../commands/autogen.ts'
import type { RehearseResult } from '../commands/rehearse.ts'
import type { FleetResult, FleetTargetResult } from '../fleet/fleet-result.ts'
import { rehearseJson } from './render-rehearse.ts'
import type { FleetProgress } from '../fleet/scheduler.ts'

/** The commands that run on a fleet. */
export type FleetVerb = 'upgrade' | 'current' | 'rehearse' | 'diff'

const ids = (list: string[]) => (list.length ? list.join(',') : 'base')
const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`)

const SKIPPED: Record<string, string> = {
  'canary-failed': 'not started: a canary target failed',
  'max-failures': 'not started: --max-failures reached',
  interrupted: 'not started: interrupted',
}

/** One target's line. */
export function renderFleetTarget(t: FleetTargetResult, verb: FleetVerb): string {
  if (t.status === 'skipped') return `${pc.dim('-')} ${t.target}  ${pc.dim(SKIPPED[t.skipped ?? 'interrupted'])}`
  if (t.status === 'failed') {
    const e = t.error!
    const where = e.location ? `${e.location.file}${e.location.line !== undefined ? `:${e.location.line}` : ''}${e.location.column !== undefined ? `:${e.location.column}` : ''}: ` : ''
    return `${pc.red('✗')} ${t.target}  ${t.to.length && verb !== 'rehearse' ? `at ${ids(t.to)}  ` : ''}${pc.red('error:')} ${where}${e.message} ${pc.dim(`(${secs(t.ms)})`)}`
  }
  if (verb === 'diff') {
    const d = t.detail as DiffResult
    return t.steps === 0 ? `${pc.green('✓')} ${t.target}  no drift ${pc.dim(secs(t.ms))}` : `${pc.yellow('≠')} ${t.target}  ${t.steps} change${t.steps === 1 ? '' : 's'} ${pc.dim(secs(t.ms))}\n${d.sql.trimEnd().replace(/^/gm, '    ')}`
  }
  if (verb === 'rehearse') {
    const flags = [...new Set((t.detail as RehearseResult).migrations.flatMap((m) => m.flags))]
    const moved = t.steps === 0 ? `${ids(t.from)} (nothing pending)` : `${ids(t.from)} → ${ids(t.to)} (${t.steps} migration${t.steps === 1 ? '' : 's'} rehearsed on a copy)`
    return `${pc.green('✓')} ${t.target}  ${moved}${flags.length ? pc.yellow(`  ${flags.join(', ')}`) : ''} ${pc.dim(secs(t.ms))}`
  }
  if (verb === 'current') return `${pc.green('✓')} ${t.target}  ${ids(t.to)}${t.steps ? pc.yellow(`  ${t.steps} pending`) : ''}`
  const moved = t.steps === 0 ? `${ids(t.to)} (up to date)` : `${ids(t.from)} → ${ids(t.to)} (${t.steps} migration${t.steps === 1 ? '' : 's'})`
  return `${pc.green('✓')} ${t.target}  ${moved} ${pc.dim(secs(t.ms))}`
}

/** Every target's line, then the summary. */
export function renderFleet(r: FleetResult, verb: FleetVerb): string {
  const lines = r.targets.map((t) => renderFleetTarget(t, verb))
  const slowest = r.targets.reduce<FleetTargetResult | undefined>((a, t) => (t.status !== 'skipped' && (!a || t.ms > a.ms) ? t : a), undefined)
  lines.push(
    `${r.targets.length} target${r.targets.length === 1 ? '' : 's'}: ${r.ok} ok, ${r.failed} failed, ${r.skipped} skipped` +
      (r.lockTimeouts ? `, ${r.lockTimeouts} timed out on a lock` : '') +
      (slowest ? `; slowest ${slowest.target} (${secs(slowest.ms)})` : ''),
  )
  return lines.join('\n')
}

/** The progress line (stderr). */
export function renderFleetProgress(p: FleetProgress): string {
  return pc.dim(`fleet: ${p.done} done, ${p.failed} failed, ${p.running} running${p.left !== undefined ? `, ${p.left} left` : ''}${p.skipped ? `, ${p.skipped} skipped` : ''}` +
    (p.slowest ? `; slowest ${p.slowest.label} (${secs(p.slowest.ms)})` : ''))
}

/**
 * The --json shape: `{"targets": [{target, status, from, to, steps, ms, error}], ok, failed, skipped}`
 * (current: `current` and `pending`; rehearse adds `rehearse`, the single-target report; diff adds `sql` and `changes`).
 */
export function fleetJson(r: FleetResult, verb: FleetVerb): Record<string, unknown> {
  const own = (t: FleetTargetResult) =>
    t.detail === undefined
      ? {}
      : verb === 'rehearse'
      ? { rehearse: { ...rehearseJson(t.detail as RehearseResult), failed_gates: (t.detail as RehearseResult).failedGates } }
      : verb === 'diff'
      ? { sql: (t.detail as DiffResult).sql, changes: (t.detail as DiffResult).changes }
      : {}
  const error = (t: FleetTargetResult) => (t.error === null ? null : { code: t.error.code, message: t.error.message, location: t.error.location, detail: t.error.detail, hint: t.error.hint })
  return {
    targets: r.targets.map((t) =>
      verb === 'current'
        ? { target: t.target, status: t.status, current: t.to, pending: t.steps, ms: t.ms, error: error(t) }
        : { target: t.target, status: t.status, from: t.from, to: t.to, steps: t.steps, ms: t.ms, error: error(t), ...(t.skipped ? { skipped: t.skipped } : {}), ...own(t) }
    ),
    ok: r.ok,
    failed: r.failed,
    skipped: r.skipped,
  }
}
