/**
 * The fleet flags of upgrade, current, rehearse and diff (--targets, --targets-query, --all-databases --match,
 * --schemas, --concurrency, --canary, --max-failures, --max-per-server) and the run they start.
 * src/fleet loads only when one of them is given.
 */
import type { Command } from 'cac'
import { UsageError } from '../errors.ts'
import { str, STRING } from './args.ts'
import type { CliContext } from './cli-context.ts'
import type { FleetProgress } from '../fleet/scheduler.ts'
import type { FleetVerb } from './render-fleet.ts'

/** Adds the fleet flags to a command. */
export function withFleetOptions(c: Command, verb: FleetVerb): Command {
  c.option('--targets [file]', 'Run on every database URL of this file (one a line, # comments); without a file, sqlmig.json "targets"')
    .option('--targets-query <sql>', 'Run on the URLs this query returns (first column), run on --url', STRING)
    .option('--all-databases', 'Run on every database of the server at --url (see --match)')
    .option('--match <pattern>', 'With --all-databases: only databases whose name is LIKE this, e.g. tenant_%', STRING)
    .option('--schemas <pattern>', verb === 'rehearse' || verb === 'diff' ? `Not taken by ${verb}: it works on whole databases` : 'Schema per tenant: run on every schema of --url LIKE this (its own version table, search_path set to it)', STRING)
    .option('--concurrency <n>', `Targets at once (default ${verb === 'current' ? 8 : verb === 'upgrade' ? 4 : 2})`, STRING)
    .option('--max-per-server <n>', 'Targets of one host:port at once (default 8)', STRING)
  if (verb === 'upgrade') {
    c.option('--canary <k>', 'Run the first K targets first, alone, and stop if any fails', STRING)
      .option('--max-failures <f>', 'Stop starting new targets after F failures (running ones finish)', STRING)
  }
  return c
}

/** True when a fleet flag was given. */
export function isFleetRun(o: Record<string, unknown>): boolean {
  return o.targets !== undefined || o.targetsQuery !== undefined || o.allDatabases === true || o.schemas !== undefined
}

function count(o: Record<string, unknown>, key: string, flag: string, min: number): number | undefined {
  const v = str(o[key])
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${v}"`, { hint: `For example ${flag} ${Math.max(min, 4)}` })
  return Number(v)
}

/** Runs the fleet command for the parsed flags, prints its report, sets the exit code. */
export async function runFleetCommand(ctx: CliContext, verb: FleetVerb, o: Record<string, unknown>, revision?: string, extra: Record<string, unknown> = {}): Promise<void> {
  const { renderFleet, fleetJson, renderFleetProgress } = await import('./render-fleet.ts')
  const common = verb === 'upgrade' ? ctx.migrateOptions(o) : { ...ctx.common(o), signal: ctx.runSignal(), ...extra }
  const { onInfo: _i, onEvent: _e, url, ...shared } = common
  const targetsFile = o.targets === true || o.targets === '' ? undefined : str(o.targets)
  let targets: string[] | undefined
  if (o.targets !== undefined && targetsFile === undefined) {
    const { loadConfig } = await import('../config.ts')
    targets = loadConfig(shared).targets
    if (!targets) throw new UsageError('--targets without a file reads "targets" from sqlmig.json, and it has none', { hint: 'Give a file: --targets targets.txt, or add "targets": ["postgres://…"] to sqlmig.json' })
  }
  const fleet = {
    ...shared,
    url,
    targets,
    targetsFile,
    targetsQuery: str(o.targetsQuery),
    allDatabases: o.allDatabases === true,
    match: str(o.match),
    schemas: str(o.schemas),
    concurrency: count(o, 'concurrency', '--concurrency', 1),
    maxPerServer: count(o, 'maxPerServer', '--max-per-server', 1),
    canary: count(o, 'canary', '--canary', 0),
    maxFailures: count(o, 'maxFailures', '--max-failures', 1),
    onProgress: progressPrinter(ctx, renderFleetProgress),
  }
  const { fleetExitCode } = await import('../fleet/fleet-result.ts')
  const r = verb === 'upgrade'
    ? await (await import('../fleet/upgrade-many.ts')).upgradeMany({ ...fleet, revision })
    : verb === 'rehearse'
    ? await (await import('../fleet/rehearse-many.ts')).rehearseMany({ ...fleet, schemas: fleet.schemas as undefined, revision })
    : verb === 'diff'
    ? await (await import('../fleet/rehearse-many.ts')).diffMany({ ...fleet, schemas: fleet.schemas as undefined })
    : await (await import('../fleet/current-many.ts')).currentMany(fleet)
  ctx.print(fleetJson(r, verb), () => renderFleet(r, verb))
  ctx.setExitCode(fleetExitCode(r))
}

/** The progress line on stderr: at most once a second, and once at the end. */
function progressPrinter(ctx: CliContext, render: (p: FleetProgress) => string) {
  let last = 0
  let ended = false
  return (p: FleetProgress) => {
    const now = Date.now()
    const final = p.running === 0 && p.left === 0
    if (ended || (!final && now - last < 1000)) return
    ended = final
    last = now
    ctx.err(render(p))
  }
}
