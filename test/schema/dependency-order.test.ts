import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Change } from '../../src/schema/diff/change.ts'
import { orderByDependencies } from '../../src/schema/diff/dependency-order.ts'
import { emptyModel, type SchemaModel } from '../../src/schema/model.ts'

const step = (kind: Change['kind'], action: Change['action'], name: string, phase = 0): Change =>
  ({ kind, action, name, detected: '', sql: [`${action} ${name}`], phase })
const withDeps = (dependencies: Record<string, string[]>): SchemaModel => ({ ...emptyModel(), dependencies })
const names = (cs: Change[]) => cs.map((c) => `${c.action} ${c.name}`)

test('creates follow pg_depend, drops run in reverse, both across kinds', () => {
  const deps = withDeps({ earthdistance: ['cube'], 'public.f(public.earth)': ['earthdistance'], 'public.a_v': ['public.f(public.earth)'] })
  const up = [step('view', 'add', 'public.a_v', 50), step('extension', 'add', 'earthdistance', 21), step('extension', 'add', 'cube', 21), step('function', 'add', 'public.f(public.earth)', 25)]
  assert.equal(names(orderByDependencies(up, emptyModel(), deps)), ['add cube', 'add earthdistance', 'add public.f(public.earth)', 'add public.a_v'])
  const down = [step('extension', 'remove', 'cube'), step('view', 'remove', 'public.a_v'), step('extension', 'remove', 'earthdistance'), step('function', 'remove', 'public.f(public.earth)')]
  assert.equal(names(orderByDependencies(down, deps, emptyModel())), ['remove public.a_v', 'remove public.f(public.earth)', 'remove earthdistance', 'remove cube'])
})

test('changes without a recorded dependency keep their order; sub-object changes are not moved', () => {
  const deps = withDeps({ 'public.b': ['public.c'] })
  const cs = [step('table', 'add', 'public.x'), step('view', 'add', 'public.b'), step('index', 'add', 'public.c'), step('table', 'add', 'public.y'), step('view', 'add', 'public.c')]
  // The view waits for the view it reads; the index (not a whole object) and the tables stay put.
  assert.equal(names(orderByDependencies(cs, emptyModel(), deps)), ['add public.x', 'add public.c', 'add public.y', 'add public.c', 'add public.b'])
  assert.equal(orderByDependencies(cs, emptyModel(), deps)[1]!.kind, 'index')
})

test('a re-created object is dropped before it is created again, and a cycle keeps phase order', () => {
  const from = withDeps({ 'public.t': ['public.f(integer)'] })
  const cs = [step('function', 'remove', 'public.f(integer)', 17), step('function', 'add', 'public.f(integer)', 25), step('table', 'remove', 'public.t', 70)]
  assert.equal(names(orderByDependencies(cs, from, emptyModel())), ['remove public.t', 'remove public.f(integer)', 'add public.f(integer)'])
  const cyc = withDeps({ 'public.a': ['public.b'], 'public.b': ['public.a'] })
  const cc = [step('view', 'add', 'public.a'), step('view', 'add', 'public.b'), step('table', 'add', 'public.z')]
  assert.equal(names(orderByDependencies(cc, emptyModel(), cyc)), ['add public.a', 'add public.b', 'add public.z'])
})

test.run()
