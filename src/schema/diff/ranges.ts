/**
 * Range types. PostgreSQL cannot alter a range's definition, so a changed one is dropped and
 * created again (which only works while no column uses it). A range whose subtype_diff is a
 * user function is created after the functions, and dropped before them.
 */
import type { RangeInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs, unquote } from './sql-text.ts'

/** The multirange name PostgreSQL picks when none is given: "range" → "multirange", else a suffix. */
function defaultMultirange(r: RangeInfo): string {
  const raw = unquote(r.name)
  const m = raw.includes('range') ? raw.replace('range', 'multirange') : `${raw}_multirange`
  const q = /^[a-z_][a-z0-9_$]*$/.test(m) ? m : `"${m.replace(/"/g, '""')}"`
  return `${r.schema}.${q}`
}

const userFunction = (f: string | null) => f !== null && !f.startsWith('pg_catalog.')

function createRange(key: string, r: RangeInfo): string[] {
  const opts = [`SUBTYPE = ${r.subtype}`]
  if (r.opclass) opts.push(`SUBTYPE_OPCLASS = ${r.opclass}`)
  if (r.collation) opts.push(`COLLATION = ${r.collation}`)
  if (r.canonical) opts.push(`CANONICAL = ${r.canonical}`)
  if (r.subtypeDiff) opts.push(`SUBTYPE_DIFF = ${r.subtypeDiff}`)
  if (r.multirange && r.multirange !== defaultMultirange(r)) opts.push(`MULTIRANGE_TYPE_NAME = ${r.multirange}`)
  const sql = [`CREATE TYPE ${key} AS RANGE (${opts.join(', ')})`]
  if (r.comment !== null) sql.push(commentOn(`TYPE ${key}`, r.comment))
  return sql
}

const createPhase = (r: RangeInfo) => (userFunction(r.subtypeDiff) ? { phase: PHASE.createFunction, order: 1 } : { phase: PHASE.createDomain, order: 1 })

export function diffRanges(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.ranges ?? {}, ctx.to.ranges ?? {})
  for (const [key, r] of added) {
    out.push({ kind: 'range type', action: 'add', name: key, detected: detectedLine('add', 'range type', key), sql: createRange(key, r), ...createPhase(r) })
  }
  for (const [key] of removed) {
    out.push({ kind: 'range type', action: 'remove', name: key, detected: detectedLine('remove', 'range type', key), sql: [`DROP TYPE ${key}`], phase: PHASE.dropFunction, order: -1, destructive: true })
  }
  for (const [key, a, b] of both) {
    const { comment: ca, ...restA } = a
    const { comment: cb, ...restB } = b
    if (JSON.stringify(restA) !== JSON.stringify(restB)) {
      out.push({ kind: 'range type', action: 'remove', name: key, detected: detectedLine('change', 'range type', key, 'definition'), sql: [`DROP TYPE ${key}`], phase: PHASE.dropChangedFunction, destructive: true })
      out.push({ kind: 'range type', action: 'add', name: key, detected: '', sql: createRange(key, b), ...createPhase(b) })
    } else if (ca !== cb) {
      out.push({ kind: 'range type', action: 'change', name: key, detected: detectedLine('change', 'range type', key, 'comment'), sql: [commentOn(`TYPE ${key}`, cb)], phase: PHASE.comment })
    }
  }
  return out
}
