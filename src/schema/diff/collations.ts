/**
 * Collations. Nothing but the name, owner and schema of a collation can be altered, so a changed
 * one is dropped and created again (possible only while nothing uses it). Created right after
 * extensions (types, domains and columns may use them), dropped after tables and domains.
 */
import { literal, type CollationInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const PROVIDER: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin' }

function createCollation(key: string, c: CollationInfo): string[] {
  const o = [`provider = ${PROVIDER[c.provider] ?? 'libc'}`]
  if (c.provider === 'c') o.push(`lc_collate = ${literal(c.lcCollate ?? '')}`, `lc_ctype = ${literal(c.lcCtype ?? '')}`)
  else o.push(`locale = ${literal(c.locale ?? '')}`)
  if (!c.deterministic) o.push('deterministic = false')
  if (c.rules !== null) o.push(`rules = ${literal(c.rules)}`)
  const sql = [`CREATE COLLATION ${key} (${o.join(', ')})`]
  if (c.comment !== null) sql.push(commentOn(`COLLATION ${key}`, c.comment))
  return sql
}

export function diffCollations(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.collations ?? {}, ctx.to.collations ?? {})
  const create = (key: string, c: CollationInfo, detected: string): Change =>
    ({ kind: 'collation', action: 'add', name: key, detected, sql: createCollation(key, c), phase: PHASE.createExtension, order: 1 })
  for (const [key, c] of added) out.push(create(key, c, detectedLine('add', 'collation', key)))
  for (const [key] of removed) {
    out.push({ kind: 'collation', action: 'remove', name: key, detected: detectedLine('remove', 'collation', key), sql: [`DROP COLLATION ${key}`], phase: PHASE.dropEnum, order: 1 })
  }
  for (const [key, a, b] of both) {
    if (JSON.stringify({ ...a, comment: null }) !== JSON.stringify({ ...b, comment: null })) {
      out.push({ kind: 'collation', action: 'remove', name: key, detected: detectedLine('change', 'collation', key, 'definition'), sql: [`DROP COLLATION ${key}`], phase: PHASE.dropChangedFunction })
      out.push(create(key, b, ''))
    } else if (a.comment !== b.comment) {
      out.push({ kind: 'collation', action: 'change', name: key, detected: detectedLine('change', 'collation', key, 'comment'), sql: [commentOn(`COLLATION ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
