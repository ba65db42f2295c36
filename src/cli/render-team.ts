/** Text output of the team commands: history --graph, branches, verify. */
import pc from 'picocolors'
import type { BranchesResult } from '../commands/branches.ts'
import { drawGraph } from '../commands/history-graph.ts'
import type { HistoryResult } from '../commands/history.ts'
import type { VerifyResult } from '../commands/verify.ts'

export function renderHistoryGraph(r: HistoryResult): string {
  if (r.revisions.length === 0) return 'No revisions yet: run "sqlmig create <message>"'
  return drawGraph(r.revisions).map(({ art, entry }) => {
    if (!entry) return art
    const tags = [entry.isCurrent ? 'current' : '', entry.isHead ? 'head' : '', entry.isMerge ? 'merge' : '', entry.isBranchPoint ? 'branch point' : ''].filter(Boolean)
    const id = entry.isCurrent ? pc.bold(pc.green(entry.revision)) : entry.revision
    return `${art}  ${id}${tags.length ? pc.cyan(` (${tags.join(', ')})`) : ''} ${entry.message}${entry.changed ? pc.yellow(" ! changed since applied") : ""}`
  }).join('\n')
}

export function renderBranches(r: BranchesResult): string {
  if (r.branches.length === 0) return 'No branch points: the history is linear'
  return r.branches.map((b) => [`${b.revision} ${b.message}`, ...b.children.map((c) => `  -> ${c.revision} ${c.message}`)].join('\n')).join('\n')
}

export function renderVerify(r: VerifyResult): string {
  const lines: string[] = []
  for (const f of r.findings) {
    lines.push(`${pc.red('✗')} ${f.location ? `${f.location}: ` : ''}${f.message}`)
    for (const d of f.differences.slice(0, 20)) lines.push(`    ${d.kind} ${d.name}: ${d.what.replace('only in first', 'missing after down').replace('only in second', 'left behind by down')}`)
    if (f.differences.length > 20) lines.push(`    ... and ${f.differences.length - 20} more`)
  }
  if (r.skipped.length > 0) lines.push(`${pc.yellow('!')} Not checked (an up they build on failed): ${r.skipped.slice(0, 10).join(', ')}${r.skipped.length > 10 ? `, ... (${r.skipped.length})` : ''}`)
  lines.push(r.ok
    ? pc.green(`All ${r.checked} revisions upgrade, downgrade to the same schema, and upgrade again`)
    : pc.red(`${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${r.checked} of ${r.total} revisions checked)`))
  return lines.join('\n')
}
