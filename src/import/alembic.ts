/**
 * Alembic: Python revisions, rendered to SQL by Alembic itself in offline mode (see
 * src/files/alembic-project.ts). Each revision keeps its id and its down_revision tuple, so
 * branches, merges and several bases come over as they are. The bodies are what Alembic prints
 * for the one step, without Alembic's own bookkeeping: the BEGIN; and COMMIT; that wrap the step
 * and the statements on its version table (CREATE/DROP TABLE, INSERT, UPDATE, DELETE). A step
 * with a COMMIT/BEGIN pair inside (an autocommit_block) keeps its wrapping pair too, so its
 * transactions stay balanced; the file is then `transaction: false`.
 * A merge whose upgrade and downgrade are both empty gets `-- down: none` (nothing to undo);
 * any other empty downgrade is irreversible, as for the other tools.
 * `depends_on` (an ordering edge that is not a parent) has no sqlmig equivalent and is refused;
 * branch labels are listed as notes (sqlmig targets revisions by id).
 */
import type { AlembicProject } from '../files/alembic-project.ts'
import { splitStatementsWithOffsets } from '../sql/split.ts'
import { transactionControl } from '../sql/transaction-control.ts'
import type { SourceHistory } from './source-history.ts'

/** Alembic's "Create Date: 2024-01-02 03:04:05.123456" (local time unless it carries an offset; read as UTC). */
export function alembicCreated(text: string | null): Date | undefined {
  const m = text ? /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?/.exec(text) : null
  if (!m) return undefined
  const date = new Date(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ''}${m[4] ?? 'Z'}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The step's SQL without the wrapping BEGIN/COMMIT and the version-table statements. */
export function alembicBody(sql: string, versionTable: string): string {
  let statements
  try {
    statements = splitStatementsWithOffsets(sql)
  } catch {
    return sql // the builder splits every body and reports this one with its line
  }
  const table = `(?:"?[\\w$]+"?\\.)?"?${escapeRegExp(versionTable)}"?(?![\\w$])`
  const bookkeeping = new RegExp(`^(?:CREATE TABLE|DROP TABLE|INSERT INTO|DELETE FROM|UPDATE)\\s+${table}`, 'i')
  // The wrapping BEGIN/COMMIT goes only when nothing inside controls the transaction: an
  // autocommit_block prints COMMIT; ... BEGIN; inside it, and then the pair keeps it balanced.
  const control = statements.filter((st) => transactionControl(st.text) !== undefined)
  const wrapped = control.length === 2 && control[0] === statements[0] && control[1] === statements.at(-1) &&
    transactionControl(control[0]!.text) === 'BEGIN' && transactionControl(control[1]!.text) === 'COMMIT'
  const drop = statements.filter((st, i) => bookkeeping.test(st.text) || (wrapped && (i === 0 || i === statements.length - 1)))
  let out = ''
  let at = 0
  for (const st of drop) {
    out += sql.slice(at, st.start)
    let end = st.end
    if (sql[end] === ';') end++
    while (sql[end] === '\n' || sql[end] === '\r') end++
    at = end
  }
  out += sql.slice(at)
  return out.replace(/^\s+/, '').replace(/\s*$/, '\n')
}

export function fromAlembicProject(project: AlembicProject, path: (relative: string) => string): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [], notes: [] }
  for (const r of project.revisions) {
    const file = path(r.path)
    if (r.depends_on.length) {
      out.spots.push({ file, line: r.depends_on_line, message: `depends_on = ${r.depends_on.join(', ')}: an ordering edge that is not a down_revision, which sqlmig has no equivalent of (make it a merge, or list it in down_revision)` })
    }
    for (const label of r.branch_labels) out.notes!.push(`branch label "${label}" on ${r.revision} (${file}) is not kept: name the revision id instead`)
    out.migrations.push({
      version: r.revision,
      revision: r.revision,
      parents: r.down_revision,
      // A merge that does nothing (alembic merge writes `pass` in both) undoes nothing either.
      downIsNone: r.down_revision.length > 1,
      label: r.path,
      prefix: '', // no Create Date: the file is named <revision>_<slug>, the id being the revision's own
      message: r.doc.trim() || r.revision,
      created: alembicCreated(r.created),
      up: { file, text: alembicBody(r.up, project.version_table), line: r.upgrade_line, transaction: true },
      down: { file, text: alembicBody(r.down, project.version_table), line: r.downgrade_line, transaction: true },
    })
  }
  return out
}
