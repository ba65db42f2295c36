/** Composite types (CREATE TYPE ... AS (...)): attributes added, dropped or retyped in place. */
import type { CompositeInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

function attribute(a: CompositeInfo['attributes'][number]): string {
  return `${a.name} ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ''}`
}

export function diffComposites(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.composites ?? {}, ctx.to.composites ?? {})
  for (const [key, c] of added) {
    const sql = [`CREATE TYPE ${key} AS (${c.attributes.map(attribute).join(', ')})`]
    if (c.comment !== null) sql.push(commentOn(`TYPE ${key}`, c.comment))
    out.push({ kind: 'composite type', action: 'add', name: key, detected: detectedLine('add', 'composite type', key), sql, phase: PHASE.createDomain })
  }
  for (const [key] of removed) {
    out.push({ kind: 'composite type', action: 'remove', name: key, detected: detectedLine('remove', 'composite type', key), sql: [`DROP TYPE ${key}`], phase: PHASE.dropDomain, destructive: true })
  }
  for (const [key, a, b] of both) {
    const sql: string[] = []
    for (const x of a.attributes) if (!b.attributes.some((y) => y.name === x.name)) sql.push(`ALTER TYPE ${key} DROP ATTRIBUTE ${x.name}`)
    for (const y of b.attributes) {
      const x = a.attributes.find((v) => v.name === y.name)
      if (!x) sql.push(`ALTER TYPE ${key} ADD ATTRIBUTE ${attribute(y)}`)
      else if (x.type !== y.type || x.collation !== y.collation) sql.push(`ALTER TYPE ${key} ALTER ATTRIBUTE ${attribute(y).replace(' ', ' TYPE ')}`)
    }
    if (sql.length) out.push({ kind: 'composite type', action: 'change', name: key, detected: detectedLine('change', 'composite type', key, 'attributes'), sql, phase: PHASE.createDomain, destructive: sql.some((s) => / DROP | TYPE /.test(s)) })
    if (a.comment !== b.comment) out.push({ kind: 'composite type', action: 'change', name: key, detected: detectedLine('change', 'composite type', key, 'comment'), sql: [commentOn(`TYPE ${key}`, b.comment)], phase: PHASE.comment })
  }
  return out
}
