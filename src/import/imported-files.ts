/**
 * From a tool's migrations to sqlmig's files: each migration's up and down body kept byte for
 * byte, with sqlmig's header put before it (and a blank line, which ends the header). The
 * header says `transaction: false` where the tool ran the body outside a transaction, or where
 * the body cannot run inside one (it controls its own transaction, or holds a statement
 * PostgreSQL refuses in a transaction block), so that every file written loads. A missing or
 * empty down is written `-- irreversible: imported from <tool> without a down`. Every file is
 * parsed and checked as sqlmig will load it before anything is written.
 */
import { SqlmigError, SqlSyntaxError, type UnmappableSpot } from '../errors.ts'
import { fileStatements } from '../files/file-statements.ts'
import { formatHeader } from '../files/header.ts'
import { slugify, timestampOf } from '../files/script-directory.ts'
import { parseDownFile, parseUpFile } from '../files/script.ts'
import { newOutsideTransactionContext, outsideTransactionCommand } from '../sql/outside-transaction.ts'
import { splitStatementsWithOffsets } from '../sql/split.ts'
import { transactionControl } from '../sql/transaction-control.ts'
import { type ImportTool, importedRevision, lineAt, type SourceMigration, type SourceSection } from './source-history.ts'

export interface ImportedFile {
  /** File name inside versions/. */
  name: string
  text: string
  transaction: boolean
  /** Why the file runs outside a transaction: the tool's marker, or the statement that needs it. */
  transactionReason: string | undefined
}

export interface ImportedScript {
  source: SourceMigration
  revision: string
  parents: string[]
  up: ImportedFile
  down: ImportedFile
  /** The source has no down (or an empty one). */
  irreversible: boolean
}

/** Builds every file; `spots` lists what cannot be mapped (then nothing may be written). */
export function buildImportedScripts(tool: ImportTool, migrations: SourceMigration[]): { scripts: ImportedScript[]; spots: UnmappableSpot[] } {
  const scripts: ImportedScript[] = []
  const spots: UnmappableSpot[] = []
  let parent: string | undefined
  const revisions = new Map(migrations.map((m) => [m.version, m.revision ?? importedRevision(tool, m.version)]))
  for (const m of migrations) {
    const revision = revisions.get(m.version)!
    const parents = m.parents === undefined ? (parent === undefined ? [] : [parent]) : m.parents.map((v) => revisions.get(v) ?? v)
    const prefix = m.created ? timestampOf(m.created) : m.prefix.replace(/[^A-Za-z0-9]+/g, '_')
    const base = `${prefix ? `${prefix}_` : ''}${revision}_${slugify(m.message)}`
    const up = examine(m.up, spots)
    const down = m.down ? examine(m.down, spots) : undefined
    const none = m.downIsNone === true && up.statements === 0 && (down === undefined || down.statements === 0)
    const irreversible = !none && (down === undefined || down.statements === 0)
    const upFields: Array<[string, string]> = [['revision', revision], ['down_revision', parents.length ? parents.join(', ') : 'none'], ['message', m.message.replace(/[\r\n]+/g, ' ').trim()]]
    if (m.created) upFields.push(['created', m.created.toISOString().replace(/\.\d{3}Z$/, 'Z')])
    if (!up.transaction) upFields.push(['transaction', 'false'])
    const downFields: Array<[string, string]> = [['revision', revision]]
    if (down && !down.transaction) downFields.push(['transaction', 'false'])
    if (irreversible) downFields.push(['irreversible', `imported from ${tool} without a down`])
    if (none) downFields.push(['down', 'none'])
    const script: ImportedScript = {
      source: m,
      revision,
      parents,
      up: { name: `${base}.up.sql`, text: compose(upFields, m.up.text), transaction: up.transaction, transactionReason: up.reason },
      down: { name: `${base}.down.sql`, text: compose(downFields, m.down?.text ?? ''), transaction: down?.transaction ?? true, transactionReason: down?.reason },
      irreversible,
    }
    checkLoads(script, spots)
    scripts.push(script)
    parent = revision
  }
  return { scripts, spots }
}

/** Header lines (in the body's line ending), a blank line, then the body untouched (a leading BOM goes before the header). */
function compose(fields: Array<[string, string]>, body: string): string {
  const bom = body.charCodeAt(0) === 0xfeff ? '\ufeff' : ''
  const rest = bom ? body.slice(1) : body
  const eol = /\r\n/.test(rest) ? '\r\n' : '\n'
  return `${bom}${formatHeader(fields).replace(/\n/g, eol)}${eol}${rest}`
}

interface Examined {
  transaction: boolean
  reason: string | undefined
  statements: number
}

/** Splits a section (psql meta-commands and unterminated quotes are spots) and decides its transaction. */
function examine(s: SourceSection, spots: UnmappableSpot[]): Examined {
  let statements
  try {
    statements = splitStatementsWithOffsets(s.text)
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error
    spots.push({ file: s.file, line: s.line + lineAt(s.text, error.offset) - 1, message: error.code === 'PSQL_META_COMMAND' ? `${error.message}: a psql meta-command, which only psql runs (write it as SQL)` : error.message })
    return { transaction: s.transaction, reason: undefined, statements: 0 }
  }
  if (!s.transaction) return { transaction: false, reason: s.marker, statements: statements.length }
  const context = newOutsideTransactionContext()
  for (const st of statements) {
    const why = transactionControl(st.text) ?? outsideTransactionCommand(st.text, context)
    if (why !== undefined) return { transaction: false, reason: `line ${s.line + st.line - 1}: ${why}`, statements: statements.length }
  }
  return { transaction: true, reason: undefined, statements: statements.length }
}

/** Parses both files as the script directory will (header, statements, transaction checks). */
function checkLoads(script: ImportedScript, spots: UnmappableSpot[]): void {
  try {
    const up = parseUpFile(script.up.name, script.up.text)
    const down = parseDownFile(script.down.name, script.down.text)
    fileStatements(up.file, down.file)
    fileStatements(down.file, up.file)
  } catch (error) {
    if (!(error instanceof SqlmigError)) throw error
    // Already reported by examine() when the body cannot be split.
    if (error instanceof SqlSyntaxError) return
    spots.push({ file: script.source.up.file, line: script.source.up.line, message: `the written file would not load: ${error.message}` })
  }
}
