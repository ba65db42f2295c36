/** `sqlmig current --targets …`: where every target of a fleet is (read only, no lock). */
import { current, type CurrentOptions, type CurrentResult } from '../commands/current.ts'
import type { FleetResult } from './fleet-result.ts'
import { type FleetOptions, runFleet, sharedOf, targetOptions } from './upgrade-many.ts'

export interface CurrentManyOptions extends Omit<CurrentOptions, 'url' | 'signal' | 'onInfo' | 'onEvent' | 'kysely'>, FleetOptions {}

/** A target's place: `from` and `to` are both its current revisions; `steps` counts the pending migrations. */
export async function currentMany(options: CurrentManyOptions): Promise<FleetResult> {
  const shared = sharedOf(options)
  return await runFleet(
    { ...options, concurrency: options.concurrency ?? 8 },
    (t) => current(targetOptions(shared, t)),
    (r: CurrentResult) => ({ from: r.current, to: r.current, steps: r.pending.length }),
    false,
  )
}
