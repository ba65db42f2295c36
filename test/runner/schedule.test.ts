// schedule(): which steps share a transaction, which run alone, with which settings, where a
// downgrade stops and what a dry run leaves out. Pure: no database.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UsageError } from '../../src/errors.ts'
import type { Script } from '../../src/files/script.ts'
import { type PlannedStep, type Schedule, schedule } from '../../src/runner/schedule.ts'

interface Spec {
  tx?: boolean
  downTx?: boolean
  lock?: string
  statement?: string
  irreversible?: string
  up?: string
  down?: string
}

function script(id: string, s: Spec = {}): Script {
  const file = (kind: string, text: string, tx: boolean) => ({ path: `${id}.${kind}.sql`, text, transaction: tx, lockTimeout: s.lock, statementTimeout: s.statement })
  return {
    id, parents: [], message: `m ${id}`, createdAt: undefined, checksum: 'c', source: `${id}.up.sql`, line: 1,
    up: file('up', s.up ?? `create table ${id} (x int);`, s.tx ?? true),
    down: { ...file('down', s.down ?? `drop table ${id};`, s.downTx ?? s.tx ?? true), irreversible: s.irreversible },
  }
}

const up = (id: string, s?: Spec): PlannedStep => ({ revision: id, direction: 'up', node: script(id, s) })
const down = (id: string, s?: Spec): PlannedStep => ({ revision: id, direction: 'down', node: script(id, s) })
const none = { lockTimeout: undefined, statementTimeout: undefined }

/** A schedule as text: [a b] a transaction, <c> a standalone step, each step's SETs before/after it. */
function shape(s: Schedule): string {
  const step = (x: { revision: string; before: string[]; after: string[] }) =>
    [...x.before.map((b) => `{${b}}`), x.revision, ...x.after.map((a) => `{${a}}`)].join(' ')
  const units = s.units.map((u) => (u.kind === 'transaction' ? `[${u.steps.map(step).join(' ')}]` : `<${step(u.step)}>`))
  const tail = [s.blocked ? `stop ${s.blocked.revision} (${s.blocked.reason})` : '', s.notRun.length ? `not run ${s.notRun.map((n) => n.revision).join(' ')}` : '']
  return [...units, ...tail].filter((x) => x !== '').join(' ')
}

test('mode all: transactional steps share one transaction; a transaction: false step runs alone between them', () => {
  const steps = [up('a'), up('b'), up('c', { tx: false }), up('d'), up('e')]
  assert.is(shape(schedule(steps, { mode: 'all', settings: none })), '[a b] <c> [d e]')
})

test('mode per-migration: a transaction per step', () => {
  const steps = [up('a'), up('b'), up('c', { tx: false }), up('d')]
  assert.is(shape(schedule(steps, { mode: 'per-migration', settings: none })), '[a] [b] <c> [d]')
})

test('no steps: no units', () => {
  assert.is(schedule([], { mode: 'all', settings: none }).units.length, 0)
})

test('settings inside a transaction are SET LOCAL, and the step after one with settings resets them', () => {
  const steps = [up('a'), up('b', { lock: '5s' }), up('c'), up('d')]
  assert.is(shape(schedule(steps, { mode: 'all', settings: none })),
    "[a {set local lock_timeout to '5s'} {set local statement_timeout to default} b {set local lock_timeout to default} {set local statement_timeout to default} c d]")
})

test("the project's settings apply to every step; a header overrides them", () => {
  const steps = [up('a'), up('b', { statement: '1min' })]
  const s = schedule(steps, { mode: 'per-migration', settings: { lockTimeout: '2s', statementTimeout: '10s' } })
  assert.is(shape(s),
    "[{set local lock_timeout to '2s'} {set local statement_timeout to '10s'} a] [{set local lock_timeout to '2s'} {set local statement_timeout to '1min'} b]")
})

test('a standalone step sets the session settings before and resets them after; one without settings gets none', () => {
  const steps = [up('a', { tx: false, lock: "it's" }), up('b', { tx: false })]
  assert.is(shape(schedule(steps, { mode: 'all', settings: none })),
    "<{set lock_timeout to 'it''s'} {set statement_timeout to default} a {set lock_timeout to default} {set statement_timeout to default}> <b>")
})

test('settings do not leak from a transaction into the next one', () => {
  const steps = [up('a', { lock: '1s' }), up('b')]
  assert.is(shape(schedule(steps, { mode: 'per-migration', settings: none })), "[{set local lock_timeout to '1s'} {set local statement_timeout to default} a] [b]")
})

test('a downgrade stops before the first irreversible revision; the steps before it are scheduled', () => {
  const steps = [down('c'), down('b', { irreversible: 'drops data' }), down('a')]
  const s = schedule(steps, { mode: 'all', settings: none })
  assert.is(shape(s), '[c] stop b (drops data)')
  assert.equal(s.blocked, { revision: 'b', reason: 'drops data', file: 'b.down.sql' })
})

test('an irreversible revision as the first step: nothing is scheduled', () => {
  assert.is(shape(schedule([down('b', { irreversible: 'no way back' }), down('a')], { mode: 'all', settings: none })), 'stop b (no way back)')
})

test('an irreversible down does not stop an upgrade', () => {
  assert.is(shape(schedule([up('a', { irreversible: 'x' })], { mode: 'all', settings: none })), '[a]')
})

test("the down's own transaction header decides, not the up's", () => {
  const steps = [down('b', { tx: false, downTx: true }), down('a', { tx: true, downTx: false })]
  assert.is(shape(schedule(steps, { mode: 'all', settings: none })), '[b] <a>')
})

test('a dry run is one transaction up to the first transaction: false step, even in per-migration mode', () => {
  const steps = [up('a'), up('b'), up('c', { tx: false }), up('d')]
  for (const mode of ['all', 'per-migration'] as const) {
    assert.is(shape(schedule(steps, { mode, settings: none, dryRun: true })), '[a b] not run c d', mode)
  }
})

test('a dry run whose first step runs outside a transaction is refused', () => {
  assert.throws(() => schedule([up('a', { tx: false }), up('b')], { mode: 'all', settings: none, dryRun: true }),
    (e: unknown) => e instanceof UsageError && /Cannot dry-run revision "a"/.test(e.message))
})

test('record-only (stamp): no statements, no settings, transaction: false files recorded in the transaction, irreversible downs recorded too', () => {
  const steps = [down('c', { tx: false, lock: '1s' }), down('b', { irreversible: 'x' })]
  const s = schedule(steps, { mode: 'all', settings: { lockTimeout: '3s', statementTimeout: undefined }, recordOnly: true })
  assert.is(shape(s), '[c b]')
  assert.equal(s.units[0]!.kind === 'transaction' && s.units[0]!.steps.map((x) => x.statements.length), [0, 0])
})

test("each scheduled step carries its file's statements, split once", () => {
  const s = schedule([up('a', { up: 'select 1; select 2;' })], { mode: 'all', settings: none })
  const unit = s.units[0]!
  assert.ok(unit.kind === 'transaction')
  assert.equal(unit.steps[0]!.statements.map((x) => x.text), ['select 1', 'select 2'])
  assert.is(unit.steps[0]!.file.path, 'a.up.sql')
})

test.run()
