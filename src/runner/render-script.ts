/**
 * The SQL script a run executes (`upgrade --sql`, `downgrade --sql`): the schedule's units as
 * psql reads them — transaction control, each step's settings and statements, and the
 * version-table writes with values inlined as literals. The runner executes the same units.
 */
import type { Schedule, ScheduledStep } from './schedule.ts'
import { quoteIdent, quoteLiteral } from '../sql/quote.ts'
import { versionTableDdl, type VersionTableName } from './version-table.ts'

export interface ScriptRequest {
  versionTable: VersionTableName
  schedule: Schedule
  header: string
}

/** Renders the whole run as one SQL text, ready for `psql -v ON_ERROR_STOP=1 -f`. */
export function renderRunScript(req: ScriptRequest): string {
  const table = `${quoteIdent(req.versionTable.schema)}.${quoteIdent(req.versionTable.table)}`
  const out: string[] = [`-- ${req.header}`, '']
  const units = req.schedule.units
  // The version table is created in the first transaction, as the run does (alone when the first unit runs outside one).
  const firstIsTransaction = units[0]?.kind === 'transaction'
  out.push('BEGIN;', '', ...versionTableDdl(req.versionTable).map((ddl) => `${ddl};`), '')
  if (!firstIsTransaction) out.push('COMMIT;', '')
  units.forEach((unit, i) => {
    if (unit.kind === 'transaction') {
      if (i > 0) out.push('BEGIN;', '')
      for (const step of unit.steps) out.push(...stepText(step, table))
      out.push('COMMIT;', '')
    } else {
      out.push(...stepText(unit.step, table))
    }
  })
  const b = req.schedule.blocked
  if (b) out.push(`-- Stopped before revision ${b.revision}: it is irreversible (${b.reason})`, `-- ${b.file}`, '')
  return out.join('\n')
}

function stepText(step: ScheduledStep, table: string): string[] {
  const script = step.node
  const out = [`-- Running ${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${step.revision}${script.message ? `: ${script.message}` : ''}`, `-- ${step.file.path}`]
  for (const s of step.before) out.push(`${s};`)
  // A COPY FROM STDIN is followed by its rows and the \. line, as psql reads them.
  for (const s of step.statements) out.push(s.copyData === undefined ? `${s.text};` : `${s.text};\n${s.copyData}\\.`)
  for (const s of step.after) out.push(`${s};`)
  if (step.direction === 'up') {
    const parents = `{${script.parents.join(',')}}`
    out.push(`INSERT INTO ${table} (revision, down_revision, message, checksum) VALUES (${quoteLiteral(script.id)}, ${quoteLiteral(parents)}, ${quoteLiteral(script.message)}, ${quoteLiteral(script.checksum)});`)
  } else {
    out.push(`DELETE FROM ${table} WHERE revision = ${quoteLiteral(script.id)};`)
  }
  out.push('')
  return out
}
