/** The commands that move or read the database state: upgrade, downgrade, current, history, heads, show, stamp. */
import { str, STRING } from './args.ts'
import { EXIT, UsageError } from '../errors.ts'
import { type CliContext, DEPRECATED_LOCK_TIMEOUT } from './cli-context.ts'
import { isFleetRun, runFleetCommand, withFleetOptions } from './fleet-options.ts'
import { renderChanged, renderCurrent, renderHeads, renderHistory, renderMigrate, renderRepair, renderShow, renderStamp } from './render-text.ts'
import { current, downgrade, downgradeSql, heads, history, rehearseText, repair, showTarget, stamp, team, upgrade, upgradeSql } from './lazy-commands.ts'

export function registerRunCommands(ctx: CliContext): void {
  const { cli, err, common, print, printScript, migrateOptions, migrateJson, runSignal } = ctx
  const migrateCommand = (name: 'upgrade' | 'downgrade', args: string, description: string) =>
    cli.command(`${name} ${args}`, description)
      .option('--sql', 'Print the SQL script instead of running it')
      .option('--from <rev>', 'With --sql: start from this revision ("base") without connecting', STRING)
      .option('--dry-run', 'Run inside a transaction and roll back')
      .option('--transaction <mode>', '"all" (default: one transaction for the whole run) or "per-migration"', STRING)
      .option('--lock-wait <duration>', 'Give up waiting for another run\'s lock after this long, e.g. 30s (default: sqlmig.json "lockWait", else wait)', STRING)
      .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
      .option('--allow-changed', 'Run even if applied migration files were edited')
      .option('--lock <kind>', '"advisory" (default) or "table": a lock row with a lease, for servers without advisory locks (CockroachDB, YugabyteDB)', STRING)

  withFleetOptions(migrateCommand('upgrade', '[revision]', 'Apply migrations up to head (or a revision, heads, +N)'), 'upgrade')
    .option('--revision <rev>', 'Target revision (same as the positional argument)', STRING)
    .option('--allow-untracked', 'Run even though the database has tables but no version table (see "sqlmig stamp")')
    .option('--backup <dir>', 'Back up the database into this folder first, when something is pending (see "sqlmig backup")', STRING)
    .example('sqlmig upgrade')
    .example('sqlmig upgrade --revision 3f2a9c1b7d4e')
    .example('sqlmig upgrade +2 --dry-run')
    .example('sqlmig upgrade --backup backups/')
    .example('sqlmig upgrade --targets targets.txt --concurrency 8 --canary 2 --max-failures 1')
    .example("sqlmig upgrade --schemas 'tenant_%' --url \"$DATABASE_URL\"")
    .action(async (revision, o) => {
      const target = str(o.revision) ?? str(revision) ?? 'head'
      if (isFleetRun(o)) {
        if (o.sql || o.backup !== undefined) throw new UsageError(`--${o.sql ? 'sql' : 'backup'} works on one database, not with --targets, --targets-query, --all-databases or --schemas`, { hint: 'Run it per database with --url' })
        return await runFleetCommand(ctx, 'upgrade', o, target)
      }
      if (o.sql) {
        await printScript(() => upgradeSql({ ...common(o), revision: target, from: str(o.from), transaction: str(o.transaction) as 'all' | undefined }))
        return
      }
      const r = await upgrade({ ...migrateOptions(o), revision: target, backup: str(o.backup) })
      const backupJson = r.backup ? (await rehearseText()).backupJson : undefined
      print(r.backup && backupJson ? { ...migrateJson(r), backup: backupJson(r.backup) } : migrateJson(r), () => renderMigrate('upgrade', r))
    })

  migrateCommand('downgrade', '<revision>', 'Undo migrations down to a revision (it stays applied), base, or -N')
    .example('sqlmig downgrade -1')
    .example('sqlmig downgrade 3f2a9c1b7d4e')
    .example('sqlmig downgrade base')
    .action(async (revision, o) => {
      const target = str(revision)!
      if (o.sql) {
        await printScript(() => downgradeSql({ ...common(o), revision: target, from: str(o.from), transaction: str(o.transaction) as 'all' | undefined }))
        return
      }
      const r = await downgrade({ ...migrateOptions(o), revision: target })
      print(migrateJson(r), () => renderMigrate('downgrade', r))
    })

  withFleetOptions(cli.command('current', 'Show the revision(s) the database is at'), 'current')
    .option('--check-pending', 'Exit with code 3 when migrations are pending')
    .option('--lock-wait <duration>', 'Give up waiting for another process holding the pglite: data directory after this long, e.g. 30s (default: wait)', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig current --json')
    .example('sqlmig current --targets targets.txt --json')
    .action(async (o) => {
      if (isFleetRun(o)) return await runFleetCommand(ctx, 'current', o)
      const r = await current(common(o))
      const u = r.untracked
      // changed: applied revisions whose up file was edited since (only when there are any).
      const changed = r.changed.length ? { changed: r.changed.map((c) => ({ revision: c.revision, file: c.file, changed: true })) } : {}
      print(u ? { current: r.current, untracked: { tables: u.tables, examples: u.examples, version_schemas: u.versionSchemas, other_tools: u.otherTools, message: u.message, hint: u.hint } } : { current: r.current, ...changed }, () => renderCurrent(r))
      const edited = renderChanged(r.changed)
      if (!ctx.json() && edited) err(edited)
      if (!ctx.json() && u) err(`warning: ${u.message}\nhint: ${u.hint}`)
      else if (!ctx.json() && r.pending.length > 0) err(`${r.pending.length} pending migration${r.pending.length === 1 ? '' : 's'}: run "sqlmig upgrade"`)
      if (o.checkPending && r.pending.length > 0) ctx.setExitCode(EXIT.pending)
    })

  cli.command('history', 'List revisions, newest first; * marks applied ones')
    .option('--offline', 'Do not connect to the database (nothing is marked applied)')
    .option('--lock-wait <duration>', 'Give up waiting for another process holding the pglite: data directory after this long, e.g. 30s (default: wait)', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .option('--graph', 'Draw the revision graph like "git log --graph"')
    .option('-r, --rev-range <range>', 'Only revisions in a range from:to, e.g. a1b2c3:head, base:current, a1b2c3:', STRING)
    .example('sqlmig history')
    .example('sqlmig history --graph')
    .example('sqlmig history -r a1b2c3:head')
    .action(async (o) => {
      const r = await history({ ...common(o), offline: o.offline === true, range: str(o.revRange) })
      const renderHistoryGraph = o.graph ? (await team()).renderHistoryGraph : renderHistory
      print({ revisions: r.revisions.map((e) => ({ revision: e.revision, down_revision: e.down_revision, message: e.message, applied: e.applied, applied_at: e.applied_at, created: e.created, changed: e.changed })) }, () => renderHistoryGraph(r))
      const edited = renderChanged(r.revisions.filter((e) => e.changed).map((e) => ({ revision: e.revision, file: e.file })))
      if (!ctx.json() && edited) err(edited)
    })

  cli.command('heads', 'Show the heads of the revision graph')
    .example('sqlmig heads --json')
    .action(async (o) => {
      const r = await heads(common(o))
      print({ heads: r.heads }, () => renderHeads(r))
    })

  cli.command('show <revision>', "Show one revision's details and SQL (a revision or prefix, head, heads, current)")
    .example('sqlmig show 3f2a9c')
    .example('sqlmig show current')
    .action(async (revision, o) => {
      const r = await showTarget(str(revision)!, common(o))
      print(r, () => (Array.isArray(r) ? (r.length ? r.map(renderShow).join('\n\n') : 'No revisions') : renderShow(r)))
    })

  cli.command('stamp <...revisions>', 'Record a revision as the current state without running SQL')
    .option('--update-checksums', 'Record the checksums of the named applied revisions\' edited files instead (same as "sqlmig repair <revision>")')
    .option('--purge', 'Delete every row of the version table first (also rows no file defines), then record the revisions and their ancestors')
    .option('--dry-run', 'Write the version table inside a transaction and roll back')
    .option('--lock-wait <duration>', 'Give up waiting for another run\'s lock after this long', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig stamp head')
    .example('sqlmig stamp --purge 3f2a9c1b7d4e')
    .action(async (revisions: unknown[], o) => {
      if (o.updateChecksums) return await runRepair(revisions, o)
      const r = await stamp({
        ...common(o),
        signal: runSignal(),
        revision: revisions.map((x) => str(x)!),
        purge: o.purge === true,
        dryRun: o.dryRun === true,
      })
      // stamped: each step was recorded (or forgotten) without running its SQL.
      const json = migrateJson(r)
      const stamped = { ...json, steps: r.steps.map((s) => ({ ...s, stamped: true })) }
      print(r.purged ? { ...stamped, purged: r.purged } : stamped, () => renderStamp(r))
    })

  const runRepair = async (revisions: unknown[], o: Record<string, unknown>) => {
    const r = await repair({ ...common(o), signal: runSignal(), revisions: revisions.map((x) => str(x)!), dryRun: o.dryRun === true })
    const repaired = r.repaired.map((x) => ({ revision: x.revision, file: x.file, old_checksum: x.oldChecksum, new_checksum: x.newChecksum }))
    print({ repaired, dry_run: r.dryRun }, () => renderRepair(r))
  }
  cli.command('repair [...revisions]', 'Record the checksums of applied migration files edited on purpose (default: every edited one), as Flyway\'s repair')
    .option('--dry-run', 'Write the version table inside a transaction and roll back')
    .option('--lock-wait <duration>', 'Give up waiting for another run\'s lock after this long', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig repair')
    .example('sqlmig repair 3f2a9c1b7d4e --dry-run')
    .action(runRepair)

}
