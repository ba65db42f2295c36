/** Text and JSON output of `sqlmig rehearse` and `sqlmig backup`. */
import pc from 'picocolors'
import { type BackupResult, formatBytes } from '../commands/backup.ts'
import type { RehearseResult } from '../commands/rehearse.ts'

/** The stable --json shape of rehearse. */
export function rehearseJson(r: RehearseResult) {
  return {
    source: { database: r.source.database, revision: r.source.revision },
    migrations: r.migrations.map((m) => ({
      revision: m.revision,
      message: m.message,
      seconds: m.seconds,
      // rows_from: "count" (counted) or "analyze" (pg_class.reltuples right after ANALYZE on the copy).
      rewritten: m.rewritten.map((w) => ({ table: w.table, rows: w.rows, rows_from: w.rowsFrom, bytes: w.bytes })),
      locks: m.locks.map((l) => ({ table: l.table, mode: l.mode, held_seconds: l.heldSeconds })),
      down_restores_schema: m.downRestoresSchema,
    })),
  }
}

const secs = (n: number) => `${n.toFixed(3)} s`

export function renderRehearse(r: RehearseResult): string {
  const at = r.source.revision.length ? r.source.revision.join(', ') : 'base'
  const where = r.copy.kept ? `kept at ${r.copy.description}` : 'dropped'
  const n = r.migrations.length
  if (n === 0) return `Nothing to rehearse: "${r.source.database}" is up to date at ${at} (copy "${r.copy.name}" ${where})`
  const lines = [`Rehearsed ${n} migration${n === 1 ? '' : 's'} of "${r.source.database}" (at ${at}) on the copy "${r.copy.name}" (${where})`, '']
  for (const m of r.migrations) {
    const flags = m.flags.length ? pc.red(`  ! ${m.flags.join(', ')}`) : ''
    lines.push(`${pc.bold(m.revision)}  ${m.message}  ${pc.dim(secs(m.seconds))}${flags}`)
    const locks = m.locks.map((l) => `${l.table} ${l.mode === 'ACCESS EXCLUSIVE' ? pc.yellow(l.mode) : l.mode} for ${secs(l.heldSeconds)}`)
    lines.push(`  locks      ${locks.length ? locks.join('\n             ') : '-'}`)
    const rewrites = m.rewritten.map((w) => `${w.table} (${w.rowsFrom === 'count' ? `${w.rows} rows` : `~${w.rows} rows, estimated by ANALYZE`}, ${formatBytes(w.bytes)})`)
    lines.push(`  rewritten  ${rewrites.length ? rewrites.join('\n             ') : '-'}`)
    const down = m.downRestoresSchema === null
      ? 'not checked'
      : m.downRestoresSchema
      ? 'restores the schema'
      : pc.red(`does NOT restore the schema:\n             ${m.downDifferences.join('\n             ')}`)
    lines.push(`  down       ${down}`)
  }
  const rewrites = r.migrations.filter((m) => m.flags.includes('rewrite')).length
  const exclusive = r.migrations.filter((m) => m.flags.includes('access-exclusive')).length
  const wrongDowns = r.migrations.filter((m) => m.downRestoresSchema === false).length
  lines.push('')
  const verb = (k: number, one: string, many: string) => (k === 1 ? one : many)
  lines.push(
    `${rewrites} ${verb(rewrites, 'migration rewrites', 'migrations rewrite')} a table; ${exclusive} ${verb(exclusive, 'takes', 'take')} ACCESS EXCLUSIVE on a table with rows; ${wrongDowns} ${verb(wrongDowns, 'down does', 'downs do')} not restore the schema`,
  )
  if (r.failedGates.length) lines.push(pc.red(`Failed: --fail-on ${r.failedGates.join(',')}`))
  return lines.join('\n')
}

export function renderBackup(r: BackupResult): string {
  return [
    `Backed up "${r.database}" at ${r.revision.length ? r.revision.join(', ') : 'base'} to ${r.file} (${formatBytes(r.bytes)})`,
    'Restore with:',
    `  ${r.restore}`,
  ].join('\n')
}

export function backupJson(r: BackupResult) {
  return { file: r.file, bytes: r.bytes, database: r.database, revision: r.revision, restore: r.restore }
}
