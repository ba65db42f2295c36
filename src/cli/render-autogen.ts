/** Text output of create, check: detected changes, destructive ones in colour. */
import pc from 'picocolors'
import type { CheckResult, DetectedChange } from '../commands/autogen.ts'
import type { CreateResult } from '../commands/create.ts'

const line = (c: DetectedChange) => (c.destructive ? pc.red(`${c.detected}  (WARNING: destructive)`) : c.unmodelled ? pc.yellow(c.detected) : c.detected)

/** The stderr warnings of `create`: one per difference it could not write (empty when none). */
export function createWarnings(r: CreateResult): string[] {
  return r.changes.filter((c) => c.unmodelled).map((c) => `warning: ${c.detected} (see the comment in ${r.up})`)
}

export function renderCreate(r: CreateResult): string {
  const out: string[] = []
  if (r.note) out.push(r.note)
  out.push(...r.changes.map(line))
  if (r.enumValues) out.push(`created ${r.enumValues.up}`, `created ${r.enumValues.down}`)
  if (r.written) out.push(`created ${r.up}`, `created ${r.down}`)
  return out.join('\n')
}

export function renderCheck(r: CheckResult): string {
  if (r.ok) return 'No changes detected: the migrations build the declared schema'
  const unmodelled = r.changes.filter((c) => c.unmodelled).length
  const byHand = unmodelled === 0 ? '' : ` (${unmodelled} not modelled by sqlmig: write ${unmodelled === 1 ? 'it' : 'those'} in the migration by hand)`
  return [...r.changes.map(line), pc.red(`${r.changes.length} change${r.changes.length === 1 ? '' : 's'} between the migrations and the declared schema: run "sqlmig create <message>"${byHand}`)].join('\n')
}
