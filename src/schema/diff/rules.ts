/**
 * Rules (CREATE RULE). A changed rule is dropped and created again; so is a rule whose table or
 * view is re-created or has columns changing, or whose text names such a relation (a rule
 * blocks ALTER COLUMN TYPE on what it reads, and goes away with a dropped view). Rules are
 * dropped before views are, and created after views and triggers.
 */
import type { RuleInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { mentions, type DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const ENABLE: Record<string, string> = { D: 'DISABLE RULE', R: 'ENABLE REPLICA RULE', A: 'ENABLE ALWAYS RULE' }

function createRule(r: RuleInfo): string[] {
  const sql = [r.definition.trim().replace(/;$/, '')]
  if (ENABLE[r.enabled]) sql.push(`ALTER TABLE ${r.table} ${ENABLE[r.enabled]} ${r.name}`)
  if (r.comment !== null) sql.push(commentOn(`RULE ${r.name} ON ${r.table}`, r.comment))
  return sql
}

/** True when the rule must be dropped and created again although its text is unchanged. */
function disturbed(ctx: DiffContext, r: RuleInfo): boolean {
  const moving = [...ctx.changedColumns.keys(), ...ctx.recreatedViews, ...ctx.droppedTables]
  return moving.some((k) => k === r.table || mentions(r.definition, k))
}

export function diffRules(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.rules ?? {}, ctx.to.rules ?? {})
  const create = (key: string, r: RuleInfo, detected: string): Change =>
    ({ kind: 'rule', action: 'add', name: key, detected, sql: createRule(r), phase: PHASE.createTrigger, order: 1 })
  const drop = (key: string, r: RuleInfo, detected: string): Change =>
    ({ kind: 'rule', action: 'remove', name: key, detected, sql: [`DROP RULE ${r.name} ON ${r.table}`], phase: PHASE.dropRule })
  for (const [key, r] of added) out.push(create(key, r, detectedLine('add', 'rule', key)))
  for (const [key, r] of removed) {
    // A rule on a table or view that goes away goes with it.
    if (ctx.from.tables[r.table] && !ctx.to.tables[r.table]) continue
    if (ctx.from.views[r.table] && !ctx.to.views[r.table]) continue
    out.push(drop(key, r, detectedLine('remove', 'rule', key)))
  }
  for (const [key, a, b] of both) {
    if (a.definition !== b.definition || disturbed(ctx, a)) {
      out.push(drop(key, a, a.definition !== b.definition ? detectedLine('change', 'rule', key) : ''))
      out.push(create(key, b, ''))
      continue
    }
    if (a.enabled !== b.enabled) {
      out.push({ kind: 'rule', action: 'change', name: key, detected: detectedLine('change', 'rule', key, 'enabled'), sql: [`ALTER TABLE ${b.table} ${ENABLE[b.enabled] ?? 'ENABLE RULE'} ${b.name}`], phase: PHASE.createTrigger, order: 1 })
    }
    if (a.comment !== b.comment) {
      out.push({ kind: 'rule', action: 'change', name: key, detected: detectedLine('change', 'rule', key, 'comment'), sql: [commentOn(`RULE ${b.name} ON ${b.table}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
