/** Text output of create, check: detected changes, destructive ones in colour. */
import pc from 'picocolors'
import type { CheckResult, DetectedChange } from '../commands/autogen.ts'
import type { CreateResult } from '../commands/create.ts'

const line = (c: DetectedChange) => (c.destructive ? pc.red(`${c.detected}  (WARNING: destructive)`) : c.detected)

export function renderCreate(r: CreateResult): string {
  const out: string[] = []
  if (r.note) out.push(r.note)
  out.push(...r.changes.map(line))
  if (r.written) out.push(`created ${r.up}`, `created ${r.down}`)
  return out.join('\n')
}

export function renderCheck(r: CheckResult): string {
  if (r.ok) return 'No changes detected: the migrations build the declared schema'
  return [...r.changes.map(line), pc.red(`${r.changes.length} change${r.changes.length === 1 ? '' : 's'} between the migrations and the declared schema: run "sqlmig create <message>"`)].join('\n')
}
