/** Text output of `sqlmig import`: one "old name -> revision" line per migration, then what was written. */
import type { ImportResult } from '../commands/import.ts'

export function renderImport(r: ImportResult): string {
  const lines = r.imported.map((m) => {
    const notes: string[] = []
    if (!m.transaction) notes.push(`transaction: false${m.transaction_reason ? ` (${m.transaction_reason})` : ''}`)
    if (m.irreversible) notes.push('irreversible: no down')
    if (m.status === 'unchanged') notes.push('already imported')
    return `${m.source} -> ${m.revision}${notes.length ? `  [${notes.join('; ')}]` : ''}`
  })
  const revisions = r.imported.filter((m) => m.status === 'written').length
  lines.push(r.written === 0
    ? `Already imported: nothing to write (${r.unchanged} files in ${r.versions} as they would be written)`
    : `Wrote ${r.written} files into ${r.versions} (${revisions} revision${revisions === 1 ? '' : 's'}${r.unchanged ? `, ${r.unchanged / 2} already imported` : ''})`)
  return lines.join('\n')
}

/** Lines for stderr: the files the source tool ignores, which import left alone. */
export function importNotes(r: ImportResult): string[] {
  const why = r.from === 'sqitch' ? 'a verify script (sqlmig has no verify step), or a script no change of the plan names' : `${r.from} does not read it as a migration`
  return [...r.skipped.map((p) => `skipped ${p}: ${why}`), ...r.notes.map((n) => `note: ${n}`)]
}
