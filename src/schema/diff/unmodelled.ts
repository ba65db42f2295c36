/**
 * What sqlmig does not model (SchemaModel.unmodelled) but differs between the two sides: no SQL,
 * only a line saying so, so that `check` fails, `create` writes a comment where the hand-written
 * statement belongs and `diff` shows it. Languages and access methods come with the extensions
 * (dropped after the functions); other whole objects (operator classes, parsers...) right after
 * the functions, before the tables and indexes that may use them (dropped after the indexes,
 * before the functions); statistics objects, subscriptions, large objects and attributes
 * (owners, privileges...) after the privileges, before tables are dropped.
 */
import type { UnmodelledInfo } from '../model.ts'
import { PHASE, type Change, type ChangeAction } from './change.ts'
import type { DiffContext } from './context.ts'
import { pairs } from './sql-text.ts'

/** Values short enough to print in the line (a count, an owner), not a definition. */
const SHORT = 40

function what(action: ChangeAction, a: UnmodelledInfo | undefined, b: UnmodelledInfo | undefined): string {
  const whole = (a ?? b)!.attribute === null
  if (action === 'add') return whole ? 'added' : `set to ${b!.value}`
  if (action === 'remove') return whole ? 'removed' : `${a!.value}, back to the default`
  const [x, y] = [a!.value ?? '', b!.value ?? '']
  return x.length <= SHORT && y.length <= SHORT ? `changed: ${x} -> ${y}` : 'changed'
}

/** "sqlmig does not model operator class public.foo_ops USING btree (added): write it by hand". */
export function unmodelledLine(subject: string, how: string): string {
  return `sqlmig does not model ${subject} (${how}): write it by hand`
}

/** Kinds the rest of the schema may be built on: languages and access methods before the functions and tables. */
const FIRST = new Set(['language', 'access method'])
/** Kinds built on tables or on the data: last, with the attributes. */
const LAST = new Set(['statistics object', 'subscription', 'large objects'])

function step(action: ChangeAction, subject: string, a: UnmodelledInfo | undefined, b: UnmodelledInfo | undefined): Change {
  const u = (a ?? b)!
  const drop = action === 'remove'
  const [phase, order] = u.attribute !== null || LAST.has(u.kind) ? [PHASE.unmodelledAttribute, 0]
    : FIRST.has(u.kind) ? (drop ? [PHASE.dropExtension, -1] : [PHASE.createExtension, 9])
    : drop ? [PHASE.dropChangedFunction, -1] : [PHASE.unmodelledObject, 0]
  return { kind: 'not modelled', action, name: subject, detected: unmodelledLine(subject, what(action, a, b)), sql: [], phase, order, unmodelled: true }
}

export function diffUnmodelled(ctx: DiffContext): Change[] {
  const { removed, added, both } = pairs(ctx.from.unmodelled ?? {}, ctx.to.unmodelled ?? {})
  return [
    ...removed.map(([k, a]) => step('remove', k, a, undefined)),
    ...added.map(([k, b]) => step('add', k, undefined, b)),
    ...both.filter(([, a, b]) => a.value !== b.value).map(([k, a, b]) => step('change', k, a, b)),
  ]
}
