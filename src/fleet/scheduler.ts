/**
 * The fleet scheduler: pure, no I/O of its own. Targets come from an async iterable (pulled as
 * slots free up, never all at once) and start in their stable order; at most `concurrency`
 * run at a time and at most `maxPerServer` on one server (host:port). The first `canary`
 * targets run before any other starts, and a failure among them skips the rest. After
 * `maxFailures` failures nothing new starts; an aborted signal stops starting new targets and
 * is passed to the running ones (they roll back). Every target gets an outcome, in input order.
 */

/** What the scheduler needs to know of a target. */
export interface Schedulable {
  /** Shown in progress and reports (a redacted URL, with the schema in --schemas mode). */
  label: string
  /** host:port: the key `maxPerServer` counts connections by. */
  server: string
}

export interface ScheduleOptions<T extends Schedulable, R> {
  /** At most this many targets run at once (default 4). */
  concurrency?: number | undefined
  /** At most this many targets of one server run at once (default: no limit beyond concurrency). */
  maxPerServer?: number | undefined
  /** The first K targets run first, alone; if any fails the rest are skipped. */
  canary?: number | undefined
  /** Stop starting new targets after this many failures (the running ones finish). */
  maxFailures?: number | undefined
  /** Aborted: start nothing more; the running targets see the same signal. */
  signal?: AbortSignal | undefined
  /** Runs one target; a throw is its failure. */
  run: (target: T, signal: AbortSignal | undefined) => Promise<R>
  /** After every start and finish. */
  onProgress?: ((progress: FleetProgress) => void) | undefined
  /** The moment a target finishes (the report can print it as it happens). */
  onOutcome?: ((outcome: Outcome<T, R>) => void) | undefined
  /** The number of targets, when the source knows it (for "left"). */
  total?: number | undefined
}

/** Why a target did not run. */
export type SkipReason = 'canary-failed' | 'max-failures' | 'interrupted'

export type Outcome<T, R> =
  | { index: number; target: T; status: 'ok'; value: R; ms: number }
  | { index: number; target: T; status: 'failed'; error: unknown; ms: number }
  | { index: number; target: T; status: 'skipped'; reason: SkipReason }

export interface FleetProgress {
  done: number
  failed: number
  running: number
  /** Not started yet; undefined when the number of targets is not known. */
  left: number | undefined
  skipped: number
  /** The longest-running target still running (else the slowest finished one), and its time so far. */
  slowest: { label: string; ms: number } | undefined
}

/** Runs every target under the limits; resolves when all have an outcome (in input order). */
export async function scheduleFleet<T extends Schedulable, R>(targets: AsyncIterable<T> | Iterable<T>, options: ScheduleOptions<T, R>): Promise<Outcome<T, R>[]> {
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const perServer = Math.max(1, options.maxPerServer ?? Infinity)
  const canary = Math.max(0, options.canary ?? 0)
  const maxFailures = options.maxFailures ?? Infinity
  const outcomes: Outcome<T, R>[] = []
  const iterator = (Symbol.asyncIterator in targets ? targets[Symbol.asyncIterator]() : (targets as Iterable<T>)[Symbol.iterator]()) as AsyncIterator<T> | Iterator<T>
  /** Pulled from the source, not started: waits for a free slot on its server (bounded lookahead). */
  const waiting: { index: number; target: T }[] = []
  const LOOKAHEAD = Math.max(64, concurrency * 4)
  let exhausted = false
  let pulled = 0
  const running = new Map<number, { target: T; started: number; promise: Promise<void> }>()
  const onServer = new Map<string, number>()
  let done = 0
  let failed = 0
  let skipped = 0
  let slowestDone: { label: string; ms: number } | undefined
  let stop: SkipReason | undefined

  const pull = async (): Promise<boolean> => {
    if (exhausted) return false
    const next = await iterator.next()
    if (next.done) {
      exhausted = true
      return false
    }
    waiting.push({ index: pulled++, target: next.value })
    return true
  }
  const progress = () => {
    if (!options.onProgress) return
    const now = performance.now()
    let slowest: { label: string; ms: number } | undefined
    for (const r of running.values()) {
      const ms = now - r.started
      if (!slowest || ms > slowest.ms) slowest = { label: r.target.label, ms }
    }
    options.onProgress({
      done, failed, running: running.size, skipped,
      left: options.total === undefined ? undefined : Math.max(0, options.total - done - failed - skipped - running.size),
      slowest: slowest ?? slowestDone,
    })
  }
  const record = (o: Outcome<T, R>) => {
    outcomes.push(o)
    options.onOutcome?.(o)
  }
  const start = (item: { index: number; target: T }) => {
    const { index, target } = item
    onServer.set(target.server, (onServer.get(target.server) ?? 0) + 1)
    const started = performance.now()
    const promise = (async () => {
      try {
        const value = await options.run(target, options.signal)
        const ms = performance.now() - started
        done++
        if (!slowestDone || ms > slowestDone.ms) slowestDone = { label: target.label, ms }
        record({ index, target, status: 'ok', value, ms })
      } catch (error) {
        failed++
        record({ index, target, status: 'failed', error, ms: performance.now() - started })
      } finally {
        running.delete(index)
        onServer.set(target.server, onServer.get(target.server)! - 1)
      }
    })()
    running.set(index, { target, started, promise })
  }
  /** The first waiting target whose server has a free slot. */
  const nextStartable = (): number => waiting.findIndex((w) => (onServer.get(w.target.server) ?? 0) < perServer)
  const stopReason = (): SkipReason | undefined => {
    if (options.signal?.aborted) return 'interrupted'
    if (failed >= maxFailures) return 'max-failures'
    return stop
  }

  /** Starts targets while slots are free, limit `upTo` (the canary phase stops at K). */
  const fill = async (upTo: number) => {
    for (;;) {
      if (stopReason() !== undefined || running.size >= concurrency) return
      while (!exhausted && waiting.length < LOOKAHEAD && pulled < upTo) await pull()
      const i = nextStartable()
      if (i < 0 || waiting[i]!.index >= upTo) return
      start(waiting.splice(i, 1)[0]!)
      progress()
    }
  }
  const drain = async (upTo: number) => {
    for (;;) {
      await fill(upTo)
      if (running.size === 0) return
      await Promise.race([...running.values()].map((r) => r.promise))
      progress()
    }
  }

  if (canary > 0) {
    await drain(canary)
    if (failed > 0) stop = 'canary-failed'
  }
  await drain(Infinity)
  // Whatever was not started is skipped, and says why.
  const reason = stopReason() ?? 'interrupted'
  for (;;) {
    const item = waiting.shift() ?? ((await pull()) ? waiting.shift() : undefined)
    if (!item) break
    skipped++
    record({ index: item.index, target: item.target, status: 'skipped', reason })
  }
  progress()
  return outcomes.sort((a, b) => a.index - b.index)
}
