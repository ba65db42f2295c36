/**
 * `sqlmig upgrade --targets …`: the single-target `upgrade` run on every target of a fleet, under
 * the scheduler's limits. Each target is migrated exactly as `sqlmig upgrade --url <it>` would be:
 * its own lock, its own transaction(s), the same checks of edited files and unknown revisions; a
 * rerun after a crash finds the finished targets at head and does nothing there.
 */
import { current } from '../commands/current.ts'
import { type CommonOptions, openProject } from '../commands/project.ts'
import { upgrade, type UpgradeOptions, type UpgradeResult } from '../commands/upgrade.ts'
import { type FleetResult, fleetResult, type FleetShape, type FleetTargetResult } from './fleet-result.ts'
import { type FleetProgress, type Outcome, scheduleFleet } from './scheduler.ts'
import { type FleetTarget, selectTargets, type TargetSelection } from './sources.ts'

/** The fleet options every many-target command takes. */
export interface FleetOptions extends TargetSelection {
  /** Targets run at once (default 4). */
  concurrency?: number | undefined
  /** Targets of one server (host:port) run at once (default 8). */
  maxPerServer?: number | undefined
  /** Run the first K targets first, alone; stop if any fails. */
  canary?: number | undefined
  /** Stop starting new targets after F failures. */
  maxFailures?: number | undefined
  /** Aborted: nothing more starts; the running targets are cancelled and roll back. */
  signal?: AbortSignal | undefined
  /** Done/failed/running/left and the slowest target, after every start and finish. */
  onProgress?: ((progress: FleetProgress) => void) | undefined
  /** Each target's result, as it finishes (skipped ones at the end). */
  onTarget?: ((result: FleetTargetResult) => void) | undefined
}

export interface UpgradeManyOptions extends Omit<UpgradeOptions, 'url' | 'signal' | 'onInfo' | 'onEvent' | 'backup' | 'kysely'>, FleetOptions {}

export const DEFAULT_CONCURRENCY = 4
export const DEFAULT_MAX_PER_SERVER = 8

/** The options of one target's command: the shared ones, its URL, and in --schemas mode its schema. */
export function targetOptions<O extends CommonOptions>(shared: O, t: FleetTarget): O {
  return { ...shared, url: t.url, ...(t.schema !== undefined ? { versionSchema: t.schema, searchPath: t.schema } : {}) }
}

/** Runs `fn` on every target under the fleet limits; failed targets are read again (`current`) to say where they are. */
export async function runFleet<R>(
  options: FleetOptions & CommonOptions,
  fn: (t: FleetTarget, signal: AbortSignal | undefined) => Promise<R>,
  shape: (value: R) => FleetShape,
  readBack: boolean,
): Promise<FleetResult> {
  // The files are the same for every target: invalid ones fail once, before any target starts.
  openProject(sharedOf(options))
  const { targets, total } = await selectTargets(options)
  const whereNow = new Map<FleetTarget, string[]>()
  const outcomes: Outcome<FleetTarget, R>[] = await scheduleFleet(targets, {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    maxPerServer: options.maxPerServer ?? DEFAULT_MAX_PER_SERVER,
    canary: options.canary,
    maxFailures: options.maxFailures,
    signal: options.signal,
    total,
    onProgress: options.onProgress,
    run: async (t, signal) => {
      try {
        return await fn(t, signal)
      } catch (error) {
        if (readBack && !signal?.aborted) {
          const at = await current(targetOptions({ ...sharedOf(options), lockWait: 5 }, t)).catch(() => undefined)
          if (at) whereNow.set(t, at.current)
        }
        throw error
      }
    },
    onOutcome: options.onTarget && ((o) => options.onTarget!(fleetResult([o], shape, undefined, whereNow).targets[0]!)),
  })
  return fleetResult(outcomes, shape, options.signal, whereNow)
}

/** The options that are not the fleet's, for each target's own command. */
export function sharedOf<O extends FleetOptions>(options: O): Omit<O, keyof FleetOptions> {
  const {
    targets: _t, targetsFile: _f, targetsQuery: _q, allDatabases: _a, match: _m, schemas: _s, url: _u,
    concurrency: _c, maxPerServer: _p, canary: _k, maxFailures: _x, signal: _g, onProgress: _o, onTarget: _r, ...rest
  } = options
  return rest
}

/**
 * Upgrades every target of the fleet; resolves with one result per target, in their order.
 * A target's failure is in its result (the others go on, within `maxFailures`).
 */
export async function upgradeMany(options: UpgradeManyOptions): Promise<FleetResult> {
  const shared = sharedOf(options)
  return await runFleet(
    options,
    (t, signal) => upgrade({ ...targetOptions(shared, t), signal }),
    (r: UpgradeResult) => ({ from: r.from, to: r.to, steps: r.steps.length }),
    true,
  )
}
