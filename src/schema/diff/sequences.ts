/** Stand-alone sequences (serial ones included; identity sequences belong to their column). */
import type { SequenceInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, newSequenceOptions, pairs, sequenceOptions } from './sql-text.ts'

/** True when dropping the owner (table or column) already drops the sequence. */
function goesWithOwner(ctx: DiffContext, s: SequenceInfo): boolean {
  if (!s.ownedBy) return false
  const { table, column } = ownerSplit(s.ownedBy)
  const cb = ctx.to.tables[table]?.columns.find((c) => c.name === column)
  return !cb || ctx.rebuiltColumns.get(table)?.has(column) === true
}

/** True when a value lies outside a sequence's new MINVALUE..MAXVALUE. */
function outside(value: string, s: SequenceInfo): boolean {
  return BigInt(value) < BigInt(s.min) || BigInt(value) > BigInt(s.max)
}

/** Splits `schema.table.column` (quoted parts) into table key and column. */
export function ownerSplit(ownedBy: string): { table: string; column: string } {
  const parts = ownedBy.match(/("([^"]|"")*"|[^."]+)/g) ?? []
  const column = parts.pop() ?? ''
  return { table: parts.join('.'), column }
}

/** Names of identity sequences on one side (a serial <-> identity switch trades the same name). */
function identitySequences(tables: DiffContext['to']['tables']): Set<string> {
  const names = new Set<string>()
  for (const t of Object.values(tables)) for (const c of t.columns) if (c.identity) names.add(c.identity.sequence)
  return names
}

export function diffSequences(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const identityBefore = identitySequences(ctx.from.tables)
  const identityAfter = identitySequences(ctx.to.tables)
  const { removed, added, both } = pairs(ctx.from.sequences, ctx.to.sequences)
  for (const [key, s] of added) {
    const options = newSequenceOptions(s)
    const sql = [`CREATE SEQUENCE ${key}${s.type === 'bigint' ? '' : ` AS ${s.type}`}${options ? ` ${options}` : ''}`]
    if (s.comment !== null) sql.push(commentOn(`SEQUENCE ${key}`, s.comment))
    out.push({ kind: 'sequence', action: 'add', name: key, detected: detectedLine('add', 'sequence', key), sql, ...(identityBefore.has(key) ? { phase: PHASE.alterColumn, order: 1 } : { phase: PHASE.createSequence }) })
    if (s.ownedBy) out.push({ kind: 'sequence', action: 'add', name: key, detected: '', sql: [`ALTER SEQUENCE ${key} OWNED BY ${s.ownedBy}`], phase: PHASE.sequenceOwner })
  }
  for (const [key, s] of removed) {
    const auto = goesWithOwner(ctx, s)
    out.push({
      kind: 'sequence', action: 'remove', name: key, detected: detectedLine('remove', 'sequence', key),
      sql: auto ? [] : [`DROP SEQUENCE ${key}`], destructive: !auto,
      ...(identityAfter.has(key) && !auto ? { phase: PHASE.alterColumn, order: 1 } : { phase: PHASE.dropSequence }),
      notes: auto ? [`sequence ${key} is dropped with its owner ${s.ownedBy}`] : undefined,
    })
  }
  for (const [key, a, b] of both) {
    const { ownedBy: oa, comment: ca, ...restA } = a
    const { ownedBy: ob, comment: cb, ...restB } = b
    if (JSON.stringify(restA) !== JSON.stringify(restB)) {
      out.push({ kind: 'sequence', action: 'change', name: key, detected: detectedLine('change', 'sequence', key, 'options'), sql: [`ALTER SEQUENCE ${key} AS ${b.type} ${sequenceOptions(b)}${outside(a.start, b) ? ` RESTART WITH ${b.start}` : ''}`], phase: PHASE.createSequence,
        notes: outside(a.start, b) ? ['the old start value is outside the new range: the sequence restarts'] : undefined })
    }
    if (oa !== ob) {
      out.push({ kind: 'sequence', action: 'change', name: key, detected: detectedLine('change', 'sequence', key, 'owner'), sql: [`ALTER SEQUENCE ${key} OWNED BY ${ob ?? 'NONE'}`], phase: PHASE.sequenceOwner })
    }
    if (ca !== cb) out.push({ kind: 'sequence', action: 'change', name: key, detected: detectedLine('change', 'sequence', key, 'comment'), sql: [commentOn(`SEQUENCE ${key}`, cb)], phase: PHASE.comment })
  }
  return out
}
