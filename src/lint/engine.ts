/**
 * The rule engine: parses each file with PostgreSQL's parser, walks its statements in run order
 * keeping what the run created and which transaction each statement is in, asks every rule about
 * every statement, and turns hits into findings (place, severity from the settings and the
 * table's size, `-- sqlmig-lint: ignore` comments).
 */
import { caretExcerpt, positionCursor } from '../sql/position.ts'
import { blockedBy } from './locks.ts'
import { effectsOf } from './effects.ts'
import type { Finding, LintContext, LintStatement, Rule, RuleHit, RuleSetting, Severity } from './lint-model.ts'
import { tableKey } from './nodes.ts'
import { loadParser, type ParsedStatement } from './parser.ts'
import { RULES } from './rules/all.ts'
import { backfillOf, isDdl } from './rules/transactions.ts'
import { endTransaction, newContext, record } from './state.ts'

export interface LintFile {
  path: string
  text: string
  /** The file runs in sqlmig's transaction (no "-- transaction: false" header). */
  transaction: boolean
  /** The header's lock_timeout. */
  lockTimeout?: string | undefined
}

export interface LintSettings {
  /** Severity per rule id ("off" silences it): sqlmig.json "lint.rules". */
  rules?: Record<string, RuleSetting> | undefined
  /** Tables with fewer rows (when sizes are known) get rewrite and lock findings as warnings. */
  smallTableRows?: number | undefined
  /** Rows per table name, from a database; undefined: sizes unknown. */
  sizes?: Map<string, number> | undefined
  /** sqlmig.json "lockTimeout" (applies to every migration). */
  lockTimeout?: string | undefined
  /** "all": the transactional files of a run share one transaction. */
  transaction?: 'all' | 'per-migration' | undefined
  /** Files already applied: read for the schema (column types, indexes), never reported. */
  schema?: LintFile[] | undefined
}

export interface LintReport {
  findings: Finding[]
  /** Findings silenced by a `-- sqlmig-lint: ignore <rule> <reason>` comment. */
  ignored: Finding[]
  errors: number
  warnings: number
  files: number
  statements: number
}

export const DEFAULT_SMALL_TABLE_ROWS = 10_000

const IGNORE = /^\s*--\s*sqlmig-lint:\s*ignore\s+([a-z0-9-]+)\s*(.*)$/i

/** The ignore comments on the lines just above `offset` (the statement's first line): read backwards, line by line. */
function ignoresAbove(text: string, offset: number): Map<string, string> | undefined {
  let out: Map<string, string> | undefined
  let end = text.lastIndexOf('\n', offset - 1)
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1
    const line = text.slice(start, end).replace(/\r$/, '')
    if (!/^\s*--/.test(line)) break
    const m = IGNORE.exec(line)
    if (m) (out ??= new Map()).set(m[1]!.toLowerCase(), m[2]!.trim())
    end = start - 1
  }
  return out
}

function sizeNote(table: string | null, settings: LintSettings): { rows: number | null; note: string } {
  if (table === null) return { rows: null, note: '' }
  if (!settings.sizes) return { rows: null, note: ' (size unknown: no database given)' }
  const rows = settings.sizes.get(tableKey(table))
  return rows === undefined ? { rows: null, note: ' (size unknown)' } : { rows, note: ` (~${rows} rows)` }
}

function severityOf(rule: Rule, hit: RuleHit, rows: number | null, settings: LintSettings): Severity | undefined {
  const set = settings.rules?.[rule.id]
  if (set === 'off') return undefined
  const base = set ?? rule.severity
  if (rule.sized && rows !== null && rows < (settings.smallTableRows ?? DEFAULT_SMALL_TABLE_ROWS) && hit.effect) return 'warning'
  return base
}

function parseAll(parse: (sql: string, file?: string) => ParsedStatement[], files: LintFile[]): { file: LintFile; statements: ParsedStatement[] }[] {
  return files.map((file) => ({ file, statements: parse(file.text, file.path) }))
}

/** Lints `files` in run order. */
export async function lintFiles(files: LintFile[], settings: LintSettings = {}): Promise<LintReport> {
  const parse = await loadParser()
  const ctx = newContext(false)
  let transaction = 0
  for (const { statements } of parseAll(parse, settings.schema ?? [])) {
    for (const s of statements) record(s, ctx, 0, false)
  }
  const findings: Finding[] = []
  const ignored: Finding[] = []
  let count = 0
  let shared: number | undefined
  for (const { file, statements } of parseAll(parse, files)) {
    const timeout = Boolean(file.lockTimeout ?? settings.lockTimeout)
    ctx.lockTimeout = ctx.sessionLockTimeout = timeout
    const position = positionCursor(file.text)
    let explicit = false
    if (file.transaction) {
      if (settings.transaction !== 'all' || shared === undefined) {
        endTransaction(ctx)
        transaction++
      }
      shared = settings.transaction === 'all' ? transaction : undefined
    } else shared = undefined
    for (const p of statements) {
      count++
      if (p.kind === 'TransactionStmt') {
        const kind = String(p.node.kind)
        explicit = kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START'
        endTransaction(ctx)
        transaction++
        continue
      }
      if (!file.transaction && !explicit) {
        endTransaction(ctx)
        transaction++
      }
      const allEffects = effectsOf(p, ctx)
      const s: LintStatement = {
        ...p,
        file: file.path,
        allEffects,
        effects: allEffects.filter((e) => !ctx.createdTables.has(tableKey(e.table))),
        transaction,
        inTransaction: file.transaction || explicit,
      }
      const ignores = ignoresAbove(file.text, p.start)
      const at = position(p.start)
      for (const rule of RULES) {
        for (const hit of rule.check(s, ctx)) {
          const table = hit.effect?.table ?? null
          const size = sizeNote(table, settings)
          const severity = severityOf(rule, hit, size.rows, settings)
          if (!severity) continue
          const f: Finding = {
            rule: rule.id,
            severity,
            file: file.path,
            line: at.line,
            column: at.column,
            statement: s.text,
            message: `${hit.message}${rule.sized && hit.effect ? size.note : ''}`,
            lock: hit.effect?.lock ?? null,
            blocks: hit.effect ? blockedBy(hit.effect.lock) : null,
            rewrite: hit.effect?.rewrite ?? false,
            scan: hit.effect?.scan ?? false,
            table,
            rows: size.rows,
            advice: hit.advice,
            excerpt: caretExcerpt(file.text, p.start),
          }
          const reason = ignores?.get(rule.id)
          if (reason !== undefined) ignored.push({ ...f, ignored: { reason } })
          else findings.push(f)
        }
      }
      after(s, ctx)
    }
    if (explicit) endTransaction(ctx)
  }
  return {
    findings,
    ignored,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    files: files.length,
    statements: count,
  }
}

/** What a statement leaves for the ones after it in its transaction and run. */
function after(s: LintStatement, ctx: LintContext): void {
  record(s, ctx, s.transaction)
  if (!s.inTransaction) return
  for (const e of s.effects) if (e.lock === 'ACCESS EXCLUSIVE') ctx.exclusiveTables.add(tableKey(e.table))
  if (isDdl(s) && !ctx.ddlInTransaction) ctx.ddlInTransaction = `${s.effects[0]!.what} on "${s.effects[0]!.table}"`
  const backfill = backfillOf(s)
  if (backfill && s.effects.length && !ctx.backfillInTransaction) ctx.backfillInTransaction = `${backfill} on "${s.effects[0]!.table}"`
}
