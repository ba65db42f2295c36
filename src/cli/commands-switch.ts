/** The commands that bring a database from another tool, or from no tool, to sqlmig: adopt, pull, baseline (import is in commands-project.ts). */
import { str, STRING } from './args.ts'
import type { CliContext } from './cli-context.ts'
import { adopt, switchText } from './lazy-commands.ts'

export function registerSwitchCommands(ctx: CliContext): void {
  const { cli, common, print, runSignal } = ctx

  cli.command('adopt', "Record in sqlmig's version table the state another tool's version table says (runs no migration SQL)")
    .option('--from <tool>', 'The tool whose table to read, when there are several: golang-migrate, dbmate, goose, flyway, node-pg-migrate, sqitch, graphile-migrate or alembic', STRING)
    .option('--dry-run', 'Write the version table inside a transaction and roll back')
    .option('--drop-old', "Drop the old tool's version table in the same transaction")
    .option('--lock-wait <duration>', "Give up waiting for another run's lock after this long", STRING)
    .example('sqlmig adopt --url "$DATABASE_URL"')
    .example('sqlmig adopt --from flyway --dry-run --json')
    .action(async (o) => {
      const r = await adopt({ ...common(o), signal: runSignal(), from: str(o.from), dryRun: o.dryRun === true, dropOld: o.dropOld === true })
      const { renderAdopt } = await switchText()
      print(r, () => renderAdopt(r))
    })
}
