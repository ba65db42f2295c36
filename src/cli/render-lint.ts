/** `sqlmig lint` as text (file:line:column, caret, what PostgreSQL does, the safe way), markdown (a pull-request comment) or JSON. */
import type { LintResult } from '../commands/lint.ts'
import type { Finding } from '../lint/lint-model.ts'

const indent = (text: string, by: string) => text.split('\n').map((l) => `${by}${l}`).join('\n')

/** "SHARE ROW EXCLUSIVE on accounts (blocks writes...), reads every row". */
function whatPostgresDoes(f: Finding): string | undefined {
  if (!f.lock) return undefined
  const parts = [`${f.lock} lock on "${f.table}", which blocks ${f.blocks}`]
  if (f.rewrite) parts.push('rewrites the table')
  else if (f.scan) parts.push('reads every row while it holds the lock')
  return parts.join('; ')
}

function summary(r: LintResult): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`
  const sizes = r.database ? `table sizes from ${r.database}` : 'table sizes unknown (no database)'
  return `${n(r.errors, 'error')}, ${n(r.warnings, 'warning')} in ${n(r.files, 'migration')} (${n(r.statements, 'statement')}; ${sizes})${r.ignored.length ? `; ${r.ignored.length} ignored` : ''}`
}

export function renderLint(r: LintResult): string {
  const out: string[] = []
  for (const f of r.findings) {
    out.push(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`)
    out.push(indent(f.excerpt, '  '))
    const does = whatPostgresDoes(f)
    if (does) out.push(`  PostgreSQL: ${does}`)
    out.push('  safe way:', indent(f.advice, '    '), '')
  }
  for (const f of r.ignored) out.push(`ignored ${f.file}:${f.line}:${f.column}: ${f.rule}${f.ignored?.reason ? `: ${f.ignored.reason}` : ''}`)
  if (r.ignored.length) out.push('')
  out.push(r.linted.length === 0 ? 'No migrations to lint' : summary(r))
  return out.join('\n')
}

export function renderLintMarkdown(r: LintResult): string {
  const out = ['### sqlmig lint', '', summary(r), '']
  for (const f of r.findings) {
    out.push(`#### ${f.severity === 'error' ? '❌' : '⚠️'} \`${f.rule}\` at \`${f.file}:${f.line}:${f.column}\``, '', f.message, '')
    out.push('```sql', f.statement, '```', '')
    const does = whatPostgresDoes(f)
    if (does) out.push(`**PostgreSQL:** ${does}`, '')
    out.push('**Safe way:**', '', '```sql', f.advice, '```', '')
  }
  if (r.ignored.length) {
    out.push('| ignored | where | reason |', '|---|---|---|')
    for (const f of r.ignored) out.push(`| \`${f.rule}\` | \`${f.file}:${f.line}\` | ${f.ignored?.reason ?? ''} |`)
  }
  return out.join('\n').trimEnd()
}

/** The stable --json shape. */
export function lintJson(r: LintResult): Record<string, unknown> {
  const one = (f: Finding) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    statement: f.statement,
    message: f.message,
    lock: f.lock,
    blocks: f.blocks,
    rewrite: f.rewrite,
    scan: f.scan,
    table: f.table,
    rows: f.rows,
    advice: f.advice,
    ...(f.ignored ? { ignored: f.ignored } : {}),
  })
  return { findings: r.findings.map(one), ignored: r.ignored.map(one), errors: r.errors, warnings: r.warnings, files: r.linted, database: r.database ?? null }
}

/** The lines `sqlmig create` prints after writing a migration (nothing when the file is clean). */
export function renderCreateLint(r: LintResult): string[] {
  if (r.findings.length === 0) return []
  return ['', `lint: ${summary(r)}`, renderLint({ ...r, ignored: [] }).split('\n').slice(0, -1).join('\n').trimEnd()]
}
