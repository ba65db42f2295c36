/** Human-readable output of each command (the CLI's text mode). */
import pc from 'picocolors'
import type { CurrentResult } from '../commands/current.ts'
import type { HeadsResult } from '../commands/heads.ts'
import type { HistoryResult } from '../commands/history.ts'
import type { MigrateResult } from '../commands/migrate.ts'
import type { RepairResult } from '../commands/repair.ts'
import type { ShowResult } from '../commands/show.ts'
import type { StampResult } from '../commands/stamp.ts'
import { changedHint } from '../commands/hints.ts'
import type { ChangedScript } from '../commands/state-checks.ts'
import { SqlmigError } from '../errors.ts'
import type { RunEvent } from '../runner/events.ts'

const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z') : '')
const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`)

export function renderMigrate(verb: 'upgrade' | 'downgrade' | 'stamp', r: MigrateResult): string {
  const total = r.steps.reduce((a, s) => a + s.ms, 0)
  const at = r.to.length ? r.to.join(', ') : 'base'
  if (r.steps.length === 0) {
    const past = (r as { alreadyApplied?: string[] }).alreadyApplied
    if (past) return `Nothing to do: ${past.join(', ')} ${past.length === 1 ? 'is' : 'are'} already applied; the database is at ${at}`
    return verb === 'upgrade' ? `Already up to date at ${at}` : `Nothing to do: the database is at ${at}`
  }
  const n = `${r.steps.length} migration${r.steps.length === 1 ? '' : 's'}`
  if (r.dryRun) return [`Dry run: ${n} would be ${verb === 'downgrade' ? 'undone' : 'applied'} (${at} afterwards); everything was rolled back`, ...renderNotRun(r)].join('\n')
  if (verb === 'stamp') return `Stamped ${at} (${n} recorded without running SQL)`
  const empty = r.steps.filter((s) => s.emptyDown !== undefined).map((s) => pc.yellow(`warning: the down of ${s.revision} (${s.emptyDown}) is empty: it is recorded as undone, but nothing was undone; if that is right, say so with "-- down: none"`))
  return [...empty, `${verb === 'upgrade' ? 'Upgraded' : 'Downgraded'} to ${at} (${n} in ${seconds(total)})`].join('\n')
}

/** What stamp did; with --purge, how the version table was rewritten. */
export function renderStamp(r: StampResult): string {
  if (!r.purged) return renderMigrate('stamp', r)
  const at = r.to.length ? r.to.join(', ') : 'base'
  const n = r.purged.recorded.length
  const removed = r.purged.removed.length ? `; forgot ${r.purged.removed.map((id) => `"${id}"`).join(', ')}` : ''
  return `${r.dryRun ? 'Dry run: would stamp' : 'Stamped'} ${at} (the version table ${r.dryRun ? 'would record' : 'records'} ${n} revision${n === 1 ? '' : 's'}${removed}; no SQL was run)`
}

/** What repair recorded (or, in a dry run, would record). */
export function renderRepair(r: RepairResult): string {
  if (r.repaired.length === 0) return 'Nothing to repair: every applied migration file matches its recorded checksum'
  const n = `${r.repaired.length} checksum${r.repaired.length === 1 ? '' : 's'}`
  return [
    r.dryRun ? `Dry run: would record ${n} (rolled back):` : `Recorded ${n} of edited files (no SQL was run):`,
    ...r.repaired.map((x) => `  ${x.file} (revision "${x.revision}"): ${x.oldChecksum.slice(0, 12)} -> ${x.newChecksum.slice(0, 12)}`),
  ].join('\n')
}

/** The pending migrations a dry run stopped before: the `transaction: false` one and those after it. */
function renderNotRun(r: MigrateResult): string[] {
  if (r.notRun.length === 0) return []
  const [first, ...after] = r.notRun
  return [
    pc.yellow(`Not run: ${r.notRun.length} more pending migration${r.notRun.length === 1 ? '' : 's'}, from ${first!.revision} on: ${first!.revision} runs outside a transaction (transaction: false), so a dry run cannot roll it back${after.length ? `, and the rest come after it` : ''}:`),
    ...r.notRun.map((s) => `  ${s.revision} ${s.message}${s.reason === 'transaction-false' ? ' (transaction: false)' : ''}`),
    'Rehearse them on a copy of the database ("sqlmig rehearse") or run them for real',
  ]
}

export function renderEvent(e: RunEvent): string | undefined {
  switch (e.type) {
    case 'lock-wait':
      return pc.yellow(`Waiting for the migration lock held by ${e.holderPid !== undefined ? `pid ${e.holderPid}` : 'another session'}${e.holderApplication ? ` (application_name "${e.holderApplication}")` : ''}`)
    case 'database-wait':
      return pc.yellow(`Waiting for the embedded database held by ${e.holderPid !== undefined ? `pid ${e.holderPid}` : 'another process'}${e.holderHost !== undefined ? ` (host "${e.holderHost}", since ${e.holderStarted})` : ''}`)
    case 'lock-acquired':
      return `Got the migration lock after ${seconds(e.waitedMs)}`
    case 'step-start': {
      const count = pc.dim(`[${e.index}/${e.total}]`)
      if (e.recordOnly) return `${count} Stamping ${e.revision} as ${e.direction === 'up' ? 'applied' : 'not applied'}${e.message ? `: ${e.message}` : ''}`
      return `${count} ${e.direction === 'up' ? 'Applying' : 'Undoing'} ${e.revision}${e.message ? `: ${e.message}` : ''}`
    }
    case 'step-done':
      if (e.recordOnly) return undefined
      return `${e.direction === 'up' ? pc.green('upgrade  ') : pc.magenta('downgrade')} ${e.revision} ${pc.dim(`(${seconds(e.ms)})`)}`
    case 'commit':
      return undefined
    case 'rollback':
      // On an error the message itself says what was rolled back.
      return e.reason === 'dry-run' ? pc.yellow('Rolled back (dry run)') : undefined
  }
}

/** The marker of an applied revision whose up file was edited since. */
const CHANGED_MARK = pc.yellow(' ! changed since applied')

export function renderCurrent(r: CurrentResult): string {
  if (r.untracked) return `untracked: the database has ${r.untracked.tables} table${r.untracked.tables === 1 ? '' : 's'} but no version table (see the warning on stderr)`
  if (r.current.length === 0) return 'base (no migrations applied)'
  return r.details.map((d) => `${d.revision}${d.isHead ? pc.cyan(' (head)') : ''} ${d.message}${d.changed ? CHANGED_MARK : ''}`).join('\n')
}

/** current and history on stderr: which applied files were edited, and what to do. */
export function renderChanged(changed: readonly ChangedScript[]): string | undefined {
  if (changed.length === 0) return undefined
  const files = changed.map((c) => `  ${c.file} (revision "${c.revision}")`)
  const what = changed.length === 1 ? 'an applied migration was' : `${changed.length} applied migrations were`
  return [pc.yellow(`warning: ${what} edited after being applied:`), ...files, `${pc.cyan('hint:')} ${changedHint(changed.map((c) => c.revision))}`].join('\n')
}

export function renderHeads(r: HeadsResult): string {
  if (r.heads.length === 0) return 'No revisions yet'
  return r.details.map((d) => `${d.revision} (head) ${d.message}`).join('\n')
}

export function renderHistory(r: HistoryResult): string {
  if (r.revisions.length === 0) return 'No revisions yet: run "sqlmig create <message>"'
  return r.revisions.map((e) => {
    const tags = [e.isHead ? 'head' : '', e.isMerge ? 'merge' : '', e.isBranchPoint ? 'branch point' : ''].filter(Boolean)
    const mark = e.applied ? pc.green('*') : ' '
    const parents = e.down_revision.length ? e.down_revision.join(', ') : '<base>'
    const line1 = `${mark} ${pc.bold(e.revision)}${tags.length ? pc.cyan(` (${tags.join(', ')})`) : ''} ${e.message}${e.changed ? CHANGED_MARK : ''}`
    const line2 = `    ${pc.dim(`parent ${parents}  created ${when(e.created) || '-'}  ${e.applied ? `applied ${when(e.applied_at)}` : 'not applied'}`)}`
    return `${line1}\n${line2}`
  }).join('\n')
}

export function renderShow(r: ShowResult): string {
  return [
    `Revision: ${r.revision}`,
    `Parent: ${r.down_revision.length ? r.down_revision.join(', ') : '<base>'}`,
    `Children: ${r.children.length ? r.children.join(', ') : '-'}`,
    `Message: ${r.message}`,
    `Created: ${r.created ?? '-'}`,
    `Transaction: ${r.transaction ? 'yes' : 'no (runs outside a transaction)'}`,
    ...(r.irreversible ? [`Irreversible: ${r.irreversible}`] : []),
    `Checksum: ${r.checksum}`,
    '',
    pc.dim(`-- ${r.up.path}`),
    r.up.sql.trimEnd(),
    '',
    pc.dim(`-- ${r.down.path}`),
    r.down.sql.trimEnd(),
  ].join('\n')
}

/** An error as the user sees it: location, message, detail, hint. */
export function renderError(error: unknown): string {
  if (!(error instanceof SqlmigError)) {
    const e = error as Error
    return `${pc.red('error:')} ${e?.message ?? String(error)}\n${pc.dim(e?.stack ?? '')}`
  }
  const lines = [`${pc.red('error:')} ${error.where ? `${error.where}: ` : ''}${error.message}`]
  if (error.detail) lines.push(...error.detail.split('\n').map((l) => `  ${l}`))
  if (error.hint) lines.push(`${pc.cyan('hint:')} ${error.hint}`)
  return lines.join('\n')
}

/** An error as --json output. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof SqlmigError)) return { error: { code: 'INTERNAL', message: String((error as Error)?.message ?? error) } }
  return {
    error: {
      code: error.code,
      message: error.message,
      location: error.location ?? null,
      detail: error.detail ?? null,
      hint: error.hint ?? null,
      ...(error.data === undefined ? {} : { data: error.data }),
    },
  }
}
