import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type FleetProgress, scheduleFleet } from '../../src/fleet/scheduler.ts'

interface T {
  label: string
  server: string
  /** Finishes after this many ms; fails when `fail`. */
  ms: number
  fail?: boolean
}

const targets = (n: number, f: (i: number) => Partial<T> = () => ({})): T[] =>
  Array.from({ length: n }, (_, i) => ({ label: `t${i}`, server: 'a:5432', ms: 5, ...f(i) }))

/** A run that records starts and the most at once, per server too. */
function recorder() {
  const started: string[] = []
  let now = 0
  let most = 0
  const perServer = new Map<string, number>()
  let mostPerServer = 0
  const run = async (t: T) => {
    started.push(t.label)
    now++
    most = Math.max(most, now)
    perServer.set(t.server, (perServer.get(t.server) ?? 0) + 1)
    mostPerServer = Math.max(mostPerServer, perServer.get(t.server)!)
    await new Promise((r) => setTimeout(r, t.ms))
    now--
    perServer.set(t.server, perServer.get(t.server)! - 1)
    if (t.fail) throw new Error(`${t.label} failed`)
    return t.label.toUpperCase()
  }
  return { run, started, most: () => most, mostPerServer: () => mostPerServer }
}

test('scheduleFleet() starts targets in input order, runs at most `concurrency` at once, and reports in input order', async () => {
  const r = recorder()
  const list = targets(20, (i) => ({ ms: (i * 7) % 11 + 1 }))
  const out = await scheduleFleet(list, { concurrency: 3, run: r.run })
  assert.equal(r.started, list.map((t) => t.label))
  assert.is(r.most(), 3)
  assert.equal(out.map((o) => o.index), [...Array(20).keys()])
  assert.ok(out.every((o) => o.status === 'ok'))
  assert.equal(out[4]!.status === 'ok' && out[4]!.value, 'T4')
})

test('scheduleFleet() pulls an async source lazily: never more than a bounded lookahead ahead of the running targets', async () => {
  let yielded = 0
  let maxAhead = 0
  let finished = 0
  async function* source() {
    for (let i = 0; i < 300; i++) {
      yielded++
      maxAhead = Math.max(maxAhead, yielded - finished)
      yield { label: `t${i}`, server: 's', ms: 1 }
    }
  }
  await scheduleFleet(source(), { concurrency: 2, run: async (t) => { await new Promise((r) => setTimeout(r, t.ms)); finished++ } })
  assert.ok(maxAhead <= 64 + 2 + 1, `pulled ${maxAhead} ahead`)
})

test('scheduleFleet() keeps to maxPerServer per host:port and fills the other servers meanwhile', async () => {
  const r = recorder()
  const list = targets(12, (i) => ({ server: i < 8 ? 'a:5432' : `b${i}:5432`, ms: 10 }))
  await scheduleFleet(list, { concurrency: 6, maxPerServer: 2, run: r.run })
  assert.is(r.mostPerServer(), 2)
  // The b servers did not wait for the eight a targets ahead of them.
  assert.ok(r.started.indexOf('t8') < r.started.indexOf('t4'), r.started.join(' '))
})

test('scheduleFleet() runs the canary targets first, alone, and skips the rest when one fails', async () => {
  const r = recorder()
  const list = targets(10, (i) => ({ fail: i === 1, ms: i === 0 ? 30 : 5 }))
  const out = await scheduleFleet(list, { concurrency: 8, canary: 2, run: r.run })
  assert.equal(r.started, ['t0', 't1'])
  assert.equal(out.map((o) => o.status), ['ok', 'failed', ...Array(8).fill('skipped')])
  assert.ok(out.slice(2).every((o) => o.status === 'skipped' && o.reason === 'canary-failed'))
})

test('scheduleFleet() with passing canaries goes on to the rest, and no other target starts before the canaries finish', async () => {
  const r = recorder()
  const list = targets(6, (i) => ({ ms: i === 0 ? 30 : 2 }))
  const out = await scheduleFleet(list, { concurrency: 4, canary: 2, run: r.run })
  assert.ok(out.every((o) => o.status === 'ok'))
  assert.equal(r.started.slice(0, 2), ['t0', 't1'])
  assert.is(r.most() <= 4, true)
})

test('scheduleFleet() stops starting new targets after maxFailures; the running ones finish', async () => {
  const r = recorder()
  const list = targets(10, (i) => ({ fail: i === 0, ms: i === 0 ? 5 : 20 }))
  const out = await scheduleFleet(list, { concurrency: 3, maxFailures: 1, run: r.run })
  assert.equal(out.map((o) => o.status), ['failed', 'ok', 'ok', ...Array(7).fill('skipped')])
  assert.ok(out.slice(3).every((o) => o.status === 'skipped' && o.reason === 'max-failures'))
})

test('scheduleFleet() on abort starts nothing more, hands the signal to the running targets, and skips the rest as interrupted', async () => {
  const abort = new AbortController()
  const seen: (AbortSignal | undefined)[] = []
  const list = targets(8, () => ({ ms: 20 }))
  setTimeout(() => abort.abort(), 5)
  const out = await scheduleFleet(list, {
    concurrency: 2, signal: abort.signal,
    run: async (t, signal) => {
      seen.push(signal)
      await new Promise((r) => setTimeout(r, t.ms))
      if (signal?.aborted) throw new Error('rolled back')
    },
  })
  assert.is(seen.length, 2)
  assert.ok(seen.every((s) => s === abort.signal))
  assert.equal(out.map((o) => o.status), ['failed', 'failed', ...Array(6).fill('skipped')])
  assert.ok(out.slice(2).every((o) => o.status === 'skipped' && o.reason === 'interrupted'))
})

test('scheduleFleet() reports progress: done, failed, running, left, and the slowest target', async () => {
  const seen: FleetProgress[] = []
  const list = targets(5, (i) => ({ fail: i === 2, ms: i === 3 ? 40 : 5 }))
  const r = recorder()
  await scheduleFleet(list, { concurrency: 2, total: 5, run: r.run, onProgress: (p) => seen.push(p) })
  const last = seen.at(-1)!
  assert.equal({ done: last.done, failed: last.failed, running: last.running, left: last.left }, { done: 4, failed: 1, running: 0, left: 0 })
  assert.is(last.slowest?.label, 't3')
  assert.ok(seen.some((p) => p.running === 2 && p.left === 3))
})

test.run()
