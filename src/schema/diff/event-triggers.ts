/**
 * Event triggers (CREATE EVENT TRIGGER; superuser only). Created after functions and tables,
 * dropped before functions; a changed one is dropped and created again, except for its enabled
 * state and comment, which are altered in place.
 */
import { literal, type EventTriggerInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const ENABLE: Record<string, string> = { O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }

function createEventTrigger(e: EventTriggerInfo): string[] {
  const when = e.tags ? ` WHEN TAG IN (${e.tags.map(literal).join(', ')})` : ''
  const sql = [`CREATE EVENT TRIGGER ${e.name} ON ${e.event}${when} EXECUTE FUNCTION ${e.function}`]
  if (e.enabled !== 'O') sql.push(`ALTER EVENT TRIGGER ${e.name} ${ENABLE[e.enabled]}`)
  if (e.comment !== null) sql.push(commentOn(`EVENT TRIGGER ${e.name}`, e.comment))
  return sql
}

export function diffEventTriggers(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.eventTriggers ?? {}, ctx.to.eventTriggers ?? {})
  const create = (key: string, e: EventTriggerInfo, detected: string): Change =>
    ({ kind: 'event trigger', action: 'add', name: key, detected, sql: createEventTrigger(e), phase: PHASE.createTrigger, order: 2 })
  const drop = (key: string, detected: string): Change =>
    ({ kind: 'event trigger', action: 'remove', name: key, detected, sql: [`DROP EVENT TRIGGER ${key}`], phase: PHASE.dropRule })
  for (const [key, e] of added) out.push(create(key, e, detectedLine('add', 'event trigger', key)))
  for (const [key] of removed) out.push(drop(key, detectedLine('remove', 'event trigger', key)))
  for (const [key, a, b] of both) {
    if (a.event !== b.event || a.function !== b.function || JSON.stringify(a.tags) !== JSON.stringify(b.tags) || ctx.recreatedFunctions.has(b.function)) {
      out.push(drop(key, detectedLine('change', 'event trigger', key)))
      out.push(create(key, b, ''))
      continue
    }
    if (a.enabled !== b.enabled) {
      out.push({ kind: 'event trigger', action: 'change', name: key, detected: detectedLine('change', 'event trigger', key, 'enabled'), sql: [`ALTER EVENT TRIGGER ${key} ${ENABLE[b.enabled]}`], phase: PHASE.createTrigger, order: 2 })
    }
    if (a.comment !== b.comment) {
      out.push({ kind: 'event trigger', action: 'change', name: key, detected: detectedLine('change', 'event trigger', key, 'comment'), sql: [commentOn(`EVENT TRIGGER ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
