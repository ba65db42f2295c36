/** The commands that bring a database from another tool, or from no tool, to sqlmig: adopt, pull, baseline (import is in commands-project.ts). */
import { str, STRING } from './args.ts'
import type { CliContext } from './cli-context.ts'
import { adopt, baseline, pull, switchText } from './lazy-commands.ts'

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

  cli.command('pull', 'Write the live database\'s schema as the declared schema (migrations/schema.sql), dependency-ordered')
    .option('--split', 'One file per schema and kind, in a folder (migrations/schema/, or the configured schema folder)')
    .example('sqlmig pull --url "$DATABASE_URL"')
    .example('sqlmig pull --split')
    .action(async (o) => {
      const r = await pull({ ...common(o), split: o.split === true })
      const { renderPull } = await switchText()
      print(r, () => renderPull(r))
    })

  cli.command('baseline', 'Write one migration that builds the schema the database has, and record it there as applied (for a database with no history)')
    .option('-m, --message <message>', 'The migration message', STRING)
    .option('--lock-wait <duration>', "Give up waiting for another run's lock after this long", STRING)
    .example('sqlmig baseline --url "$DATABASE_URL" -m "Baseline"')
    .action(async (o) => {
      const r = await baseline({ ...common(o), signal: runSignal(), message: str(o.message) ?? '' })
      const { renderBaseline } = await switchText()
      print(r, () => renderBaseline(r))
    })
}
