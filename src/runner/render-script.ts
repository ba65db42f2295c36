/**
 * The SQL script a run would execute (`upgrade --sql`, `downgrade --sql`): transaction control,
 * each migration's statements, and the version-table writes, with values inlined as literals.
 */
import type { TransactionMode } from '../config.ts'
import type { Script } from '../files/script.ts'
import { statementsOf } from './execute-file.ts'
import type { RunStep } from './run-plan.ts'
import { versionTableDdl, type VersionTableName } from './version-table.ts'

/** A PostgreSQL string literal (standard_conforming_strings on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/** A PostgreSQL quoted identifier. */
export function quoteIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`
}

export interface ScriptRequest {
  versionTable: VersionTableName
  scripts: ReadonlyMap<string, Script>
  steps: RunStep[]
  mode: TransactionMode
  header: string
}

/** Renders the whole run as one SQL text, ready for psql. */
export function renderRunScript(req: ScriptRequest): string {
  const table = `${quoteIdent(req.versionTable.schema)}.${quoteIdent(req.versionTable.table)}`
  const out: string[] = [`-- ${req.header}`, '']
  let open = false
  const begin = () => {
    if (!open) out.push('BEGIN;', '')
    open = true
  }
  const commit = () => {
    if (open) out.push('COMMIT;', '')
    open = false
  }
  begin()
  for (const ddl of versionTableDdl(req.versionTable)) out.push(`${ddl};`)
  out.push('')
  for (const step of req.steps) {
    const script = req.scripts.get(step.revision)!
    const file = step.direction === 'up' ? script.up : script.down
    if (!file.transaction) commit()
    else if (req.mode === 'per-migration') {
      commit()
      begin()
    } else begin()
    out.push(`-- Running ${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${step.revision}${script.message ? `: ${script.message}` : ''}`, `-- ${file.path}`)
    // A COPY FROM STDIN is followed by its rows and the \. line, as psql reads them.
    for (const s of statementsOf(file)) out.push(s.copyData === undefined ? `${s.text};` : `${s.text};\n${s.copyData}\\.`)
    if (step.direction === 'up') {
      const parents = `{${script.parents.join(',')}}`
      out.push(`INSERT INTO ${table} (revision, down_revision, message, checksum) VALUES (${quoteLiteral(script.id)}, ${quoteLiteral(parents)}, ${quoteLiteral(script.message)}, ${quoteLiteral(script.checksum)});`)
    } else {
      out.push(`DELETE FROM ${table} WHERE revision = ${quoteLiteral(script.id)};`)
    }
    out.push('')
  }
  commit()
  return out.join('\n')
}
