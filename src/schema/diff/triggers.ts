/**
 * Triggers (on tables and views) and row-level security policies. Both are dropped and created
 * again when they change, and also when something they use is re-created under them: the
 * trigger function, a function a policy calls, or (for policies and WHEN clauses) a column
 * whose type changes.
 */
import type { PolicyInfo, TriggerInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import { functionCallText, mentions, type DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const ENABLE: Record<string, string> = { D: 'DISABLE TRIGGER', R: 'ENABLE REPLICA TRIGGER', A: 'ENABLE ALWAYS TRIGGER', O: 'ENABLE TRIGGER' }

function createTrigger(rel: string, t: TriggerInfo, detected: string): Change {
  const sql = [t.definition]
  if (t.enabled !== 'O') sql.push(`ALTER TABLE ${rel} ${ENABLE[t.enabled] ?? 'ENABLE TRIGGER'} ${t.name}`)
  if (t.comment !== null) sql.push(commentOn(`TRIGGER ${t.name} ON ${rel}`, t.comment))
  return { kind: 'trigger', action: 'add', name: `${rel}.${t.name}`, detected, sql, phase: PHASE.createTrigger }
}

const COMMAND: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' }

function createPolicy(table: string, p: PolicyInfo, detected: string): Change {
  let s = `CREATE POLICY ${p.name} ON ${table} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${COMMAND[p.command] ?? 'ALL'} TO ${p.roles.join(', ')}`
  if (p.using !== null) s += ` USING (${p.using})`
  if (p.check !== null) s += ` WITH CHECK (${p.check})`
  const sql = [s]
  if (p.comment !== null) sql.push(commentOn(`POLICY ${p.name} ON ${table}`, p.comment))
  return { kind: 'policy', action: 'add', name: `${table}.${p.name}`, detected, sql, phase: PHASE.createPolicy }
}

function usesRecreatedFunction(ctx: DiffContext, text: string | null): boolean {
  if (!text) return false
  return [...ctx.recreatedFunctions].some((k) => text.includes(functionCallText(ctx.from.functions[k]!)))
}

export function diffTriggersAndPolicies(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const rels = new Set([...Object.keys(ctx.to.tables), ...Object.keys(ctx.to.views)])
  for (const rel of rels) {
    const b = ctx.to.tables[rel] ?? ctx.to.views[rel]!
    const a = ctx.from.tables[rel] ?? ctx.from.views[rel]
    const gone = !a || ctx.recreatedViews.has(rel) || (ctx.from.views[rel] && ctx.to.tables[rel]) || (ctx.from.tables[rel] && ctx.to.views[rel])
    if (gone) {
      for (const t of Object.values(b.triggers)) out.push(createTrigger(rel, t, a ? '' : detectedLine('add', 'trigger', `${rel}.${t.name}`)))
    } else {
      const changedCols = ctx.changedColumns.has(rel)
      const tr = pairs(a.triggers, b.triggers)
      for (const [name] of tr.removed) out.push({ kind: 'trigger', action: 'remove', name: `${rel}.${name}`, detected: detectedLine('remove', 'trigger', `${rel}.${name}`), sql: [`DROP TRIGGER ${name} ON ${rel}`], phase: PHASE.dropTrigger })
      for (const [name, x, y] of tr.both) {
        const changed = x.definition !== y.definition
        if (changed || ctx.recreatedFunctions.has(y.function) || (changedCols && / WHEN | OF /.test(y.definition))) {
          out.push({ kind: 'trigger', action: 'remove', name: `${rel}.${name}`, detected: changed ? detectedLine('change', 'trigger', `${rel}.${name}`) : '', sql: [`DROP TRIGGER ${name} ON ${rel}`], phase: PHASE.dropTrigger })
          out.push(createTrigger(rel, y, ''))
          continue
        }
        if (x.enabled !== y.enabled) out.push({ kind: 'trigger', action: 'change', name: `${rel}.${name}`, detected: detectedLine('change', 'trigger', `${rel}.${name}`, 'enabled'), sql: [`ALTER TABLE ${rel} ${ENABLE[y.enabled] ?? 'ENABLE TRIGGER'} ${name}`], phase: PHASE.createTrigger })
        if (x.comment !== y.comment) out.push({ kind: 'trigger', action: 'change', name: `${rel}.${name}`, detected: detectedLine('change', 'trigger', `${rel}.${name}`, 'comment'), sql: [commentOn(`TRIGGER ${name} ON ${rel}`, y.comment)], phase: PHASE.comment })
      }
      for (const [name, y] of tr.added) out.push(createTrigger(rel, y, detectedLine('add', 'trigger', `${rel}.${name}`)))
    }
    const tb = ctx.to.tables[rel]
    if (!tb) continue
    const ta = ctx.from.tables[rel]
    if (!ta) {
      for (const p of Object.values(tb.policies)) out.push(createPolicy(rel, p, detectedLine('add', 'policy', `${rel}.${p.name}`)))
      continue
    }
    const changedCols = ctx.changedColumns.has(rel)
    const po = pairs(ta.policies, tb.policies)
    for (const [name] of po.removed) out.push({ kind: 'policy', action: 'remove', name: `${rel}.${name}`, detected: detectedLine('remove', 'policy', `${rel}.${name}`), sql: [`DROP POLICY ${name} ON ${rel}`], phase: PHASE.dropPolicy })
    for (const [name, x, y] of po.both) {
      const { comment: cx, ...restX } = x
      const { comment: cy, ...restY } = y
      const changed = JSON.stringify(restX) !== JSON.stringify(restY)
      const readsChanged = [...ctx.changedColumns.keys()].some((k) => mentions(x.using, k) || mentions(x.check, k))
      if (changed || changedCols || readsChanged || usesRecreatedFunction(ctx, y.using) || usesRecreatedFunction(ctx, y.check)) {
        out.push({ kind: 'policy', action: 'remove', name: `${rel}.${name}`, detected: changed ? detectedLine('change', 'policy', `${rel}.${name}`) : '', sql: [`DROP POLICY ${name} ON ${rel}`], phase: PHASE.dropPolicy })
        out.push(createPolicy(rel, y, ''))
      } else if (cx !== cy) {
        out.push({ kind: 'policy', action: 'change', name: `${rel}.${name}`, detected: detectedLine('change', 'policy', `${rel}.${name}`, 'comment'), sql: [commentOn(`POLICY ${name} ON ${rel}`, cy)], phase: PHASE.comment })
      }
    }
    for (const [name, y] of po.added) out.push(createPolicy(rel, y, detectedLine('add', 'policy', `${rel}.${name}`)))
  }
  return out
}
