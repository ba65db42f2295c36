/** Text output of `sqlmig adopt`, `pull` and `baseline`. */
import type { AdoptResult } from '../commands/adopt.ts'

export function renderAdopt(r: AdoptResult): string {
  const lines = r.mapped.map((m) => `${m.version} -> ${m.revision}  ${m.file}`)
  const extra = r.stamped.length - r.mapped.length
  if (extra > 0) lines.push(`(and ${extra} earlier revision${extra === 1 ? '' : 's'} ${r.tool} records only implicitly)`)
  const what = `${r.stamped.length} revision${r.stamped.length === 1 ? '' : 's'} from ${r.tool}'s ${r.table}`
  if (r.already_adopted && !r.dropped_old) lines.push(`Already adopted: sqlmig's version table records the same ${what}`)
  else if (r.dry_run) lines.push(`Would record ${what} (dry run: rolled back)`)
  else lines.push(`Recorded ${what}; no migration SQL ran${r.dropped_old ? `; dropped ${r.table}` : `; ${r.table} left as it is (--drop-old drops it)`}`)
  return lines.join('\n')
}
