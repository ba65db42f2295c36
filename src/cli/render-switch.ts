/** Text output of `sqlmig adopt`, `pull` and `baseline`. */
import type { AdoptResult } from '../commands/adopt.ts'
import type { BaselineResult } from '../commands/baseline.ts'
import type { PullResult } from '../commands/pull.ts'

export function renderAdopt(r: AdoptResult): string {
  const lines = r.mapped.map((m) => `${m.version} -> ${m.revision}  ${m.file}`)
  const extra = r.stamped.length - r.mapped.length
  if (extra > 0) lines.push(`(and ${extra} earlier revision${extra === 1 ? '' : 's'} ${r.tool} records only implicitly)`)
  const what = `${r.stamped.length} revision${r.stamped.length === 1 ? '' : 's'} from ${r.tool}'s ${r.table}`
  if (r.already_adopted) lines.push(`Already adopted: sqlmig's version table records the ${what}${r.dropped_old ? `; dropped ${r.table}` : ''}`)
  else if (r.dry_run) lines.push(`Would record ${what} (dry run: rolled back)`)
  else lines.push(`Recorded ${what}; no migration SQL ran${r.dropped_old ? `; dropped ${r.table}` : `; ${r.table} left as it is (--drop-old drops it)`}`)
  return lines.join('\n')
}

export function renderPull(r: PullResult): string {
  const lines = [`Wrote ${r.objects} object${r.objects === 1 ? '' : 's'} from ${r.database} into ${r.files.length === 1 ? r.files[0] : `${r.files.length} files`}`]
  if (r.files.length > 1) lines.push(...r.files.map((f) => `  ${f}`))
  for (const f of r.removed) lines.push(`removed ${f}`)
  for (const n of r.not_modelled) lines.push(`warning: not written (sqlmig does not model it; add it by hand): ${n}`)
  return lines.join('\n')
}

export function renderBaseline(r: BaselineResult): string {
  const lines = [`Wrote ${r.up}`, `Wrote ${r.down}`, `Recorded ${r.revision} as applied in ${r.database} (${r.objects} object${r.objects === 1 ? '' : 's'}; no SQL ran)`]
  for (const n of r.not_modelled) lines.push(`warning: not in the baseline (sqlmig does not model it; add it by hand): ${n}`)
  return lines.join('\n')
}
