/**
 * The command line: argv → a command function → text or --json → exit code. A thin catch
 * around src/commands: nothing here knows SQL, files or drivers. All output is redacted.
 */
import { resolve } from 'node:path'
import process from 'node:process'
import { cac } from 'cac'
import type { CommonOptions } from '../commands/project.ts'
import { type HintCommand, withHint } from '../commands/hints.ts'
import type { MigrateResult } from '../commands/migrate.ts'
import { EXIT, exitCodeOf, IrreversibleStop, SqlmigError, UsageError } from '../errors.ts'
import { redact } from '../redact.ts'
import { protectRelative, str, STRING } from './args.ts'
import { createInterrupts } from './interrupts.ts'
import { VERSION } from '../version.ts'
import { errorJson, renderCurrent, renderError, renderEvent, renderHeads, renderHistory, renderMigrate, renderShow, renderStamp } from './render-text.ts'

import {
  branches,
  current,
  downgrade,
  downgradeSql,
  heads,
  history,
  init,
  merge,
  showTarget,
  stamp,
  upgrade,
  upgradeSql,
  check,
  diff,
  create,
  backup,
  rehearse,
  verify,
  team,
  autogenText,
  rehearseText,
  importHistory,
  importText,
} from './lazy-commands.ts'

/** Where the CLI writes; tests may pass their own. */
export interface CliIO {
  out: (text: string) => void
  err: (text: string) => void
}

const DEPRECATED_LOCK_TIMEOUT = 'Deprecated: the old name of --lock-wait'

const defaultIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}


/** Runs the CLI with the given arguments (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const out = (text: string) => io.out(`${redact(text)}\n`)
  const err = (text: string) => io.err(`${redact(text)}\n`)
  let exitCode: number = EXIT.ok
  let json = false

  /** Deprecations go to stderr once each, with or without --json (which is stdout). */
  const warned = new Set<string>()
  const warn = (line: string) => {
    if (!warned.has(line)) err(`warning: ${line}`)
    warned.add(line)
  }
  const common = (o: Record<string, unknown>): CommonOptions => ({
    url: str(o.url),
    // As the user typed it: relative to the working directory, not to the folder of sqlmig.json.
    dir: str(o.dir) === undefined ? undefined : resolve(str(o.dir)!),
    versionTable: str(o.versionTable),
    versionSchema: str(o.versionSchema),
    connectTimeout: str(o.connectTimeout),
    lockWait: str(o.lockWait),
    lockTimeout: lockTimeoutAlias(o),
    onWarning: warn,
    onInfo: json ? undefined : (line) => err(line),
    onEvent: (e) => {
      const line = renderEvent(e)
      if (line !== undefined && (!json || e.type === 'lock-wait' || e.type === 'database-wait')) err(line)
    },
  })
  /** --lock-timeout: the old name of --lock-wait, still read (scripts use it). */
  const lockTimeoutAlias = (o: Record<string, unknown>) => {
    const value = str(o.lockTimeout)
    if (value !== undefined) warn('--lock-timeout is deprecated: use --lock-wait (how long to wait for another run\'s lock; PostgreSQL\'s lock_timeout is "lockTimeout" in sqlmig.json)')
    return value
  }
  const print = (data: unknown, text: () => string) => (json ? out(JSON.stringify(data, null, 2)) : out(text()))
  /** `--sql`: the script; a downgrade that stops at an irreversible revision prints what runs before it, then fails as the run would. */
  const printScript = async (make: () => Promise<string>) => {
    try {
      out(await make())
    } catch (error) {
      if (error instanceof IrreversibleStop && error.script !== undefined) out(error.script.trimEnd())
      throw error
    }
  }
  const interrupts = createInterrupts(err)
  const runSignal = interrupts.runSignal
  const migrateOptions = (o: Record<string, unknown>) => ({
    ...common(o),
    signal: runSignal(),
    transaction: str(o.transaction) as 'all' | 'per-migration' | undefined,
    dryRun: o.dryRun === true,
    allowChanged: o.allowChanged === true,
    allowUntracked: o.allowUntracked === true,
  })
  const migrateJson = (r: MigrateResult & { alreadyApplied?: string[] | undefined }) => ({
    from: r.from,
    to: r.to,
    // empty_down: a down with no statements (and no "-- down: none") was recorded as undone.
    steps: r.steps.map(({ emptyDown, ...s }) => (emptyDown === undefined ? s : { ...s, empty_down: emptyDown })),
    dry_run: r.dryRun,
    not_run: r.notRun,
    ...(r.alreadyApplied ? { already_applied: r.alreadyApplied } : {}),
  })

  const cli = cac('sqlmig')
  cli.option('--url <url>', 'Database URL: postgres://..., pglite:<dir> or pglite:memory (default: DATABASE_URL, then .env, then sqlmig.json, then pglite:.sqlmig/pgdata)', STRING)
  cli.option('--dir <dir>', 'Migrations folder holding versions/ (default: migrations)', STRING)
  cli.option('--json', 'Print machine-readable JSON on stdout')
  cli.option('--version-table <name>', 'Version table name (default: sqlmig_version)', STRING)
  cli.option('--version-schema <name>', 'Schema of the version table (default: public)', STRING)
  cli.option('--connect-timeout <seconds>', 'Give up connecting to a server that does not answer after this long, e.g. 5 or 5s; 0 waits forever (default: connect_timeout in the URL, PGCONNECT_TIMEOUT, 10)', STRING)

  cli.command('init', 'Create migrations/versions/, sqlmig.json and a .gitignore entry')
    .example('sqlmig init')
    .action(async (o) => {
      const r = await init({ dir: str(o.dir), url: str(o.url) })
      print(r, () => [...r.created.map((p) => `created ${p}`), ...r.existing.map((p) => `exists  ${p}`)].join('\n'))
    })

  cli.command('create <message>', 'Write a new up/down migration pair (autogenerated from the declared schema when there is one)')
    .option('--no-autogenerate', 'Write the empty template even if a declared schema exists')
    .option('--head <rev>', 'Parent revision when the graph has several heads', STRING)
    .option('--no-transaction', 'Mark the migration "transaction: false" (e.g. for CREATE INDEX CONCURRENTLY)')
    .option('--shadow-url <url>', 'Build the shadow databases on this PostgreSQL server instead of embedded PGlite', STRING)
    .example('sqlmig create "Add email to users"')
    .example('sqlmig create "Add users table" --no-autogenerate')
    .action(async (message, o) => {
      const r = await create(String(message), {
        ...common(o),
        autogenerate: o.autogenerate !== false,
        head: str(o.head),
        noTransaction: o.transaction === false,
        shadowUrl: str(o.shadowUrl),
      })
      const { renderCreate, createWarnings } = await autogenText()
      for (const w of createWarnings(r)) err(w)
      print(r, () => renderCreate(r))
    })

  cli.command('check', 'Exit 1 (listing the changes) when the migrations do not build the declared schema')
    .option('--shadow-url <url>', 'Build the shadow databases on this PostgreSQL server instead of embedded PGlite', STRING)
    .example('sqlmig check')
    .action(async (o) => {
      const r = await check({ ...common(o), shadowUrl: str(o.shadowUrl) })
      const { renderCheck } = await autogenText()
      print(r, () => renderCheck(r))
      if (!r.ok) exitCode = EXIT.failed
    })

  cli.command('diff', 'Print the SQL that would bring the live database (--url) to the declared schema; writes nothing')
    .option('--shadow-url <url>', 'Load the declared schema on this PostgreSQL server instead of embedded PGlite', STRING)
    .option('--lock-wait <duration>', 'Give up waiting for another process holding the pglite: data directory after this long, e.g. 30s (default: wait)', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig diff --url postgres://localhost/app')
    .action(async (o) => {
      const r = await diff({ ...common(o), shadowUrl: str(o.shadowUrl) })
      print(r, () => (r.sql === '' ? 'No changes detected' : r.sql.trimEnd()))
    })

  const migrateCommand = (name: 'upgrade' | 'downgrade', args: string, description: string) =>
    cli.command(`${name} ${args}`, description)
      .option('--sql', 'Print the SQL script instead of running it')
      .option('--from <rev>', 'With --sql: start from this revision ("base") without connecting', STRING)
      .option('--dry-run', 'Run inside a transaction and roll back')
      .option('--transaction <mode>', '"all" (default: one transaction for the whole run) or "per-migration"', STRING)
      .option('--lock-wait <duration>', 'Give up waiting for another run\'s lock after this long, e.g. 30s (default: sqlmig.json "lockWait", else wait)', STRING)
      .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
      .option('--allow-changed', 'Run even if applied migration files were edited')

  migrateCommand('upgrade', '[revision]', 'Apply migrations up to head (or a revision, heads, +N)')
    .option('--revision <rev>', 'Target revision (same as the positional argument)', STRING)
    .option('--allow-untracked', 'Run even though the database has tables but no version table (see "sqlmig stamp")')
    .option('--backup <dir>', 'Back up the database into this folder first, when something is pending (see "sqlmig backup")', STRING)
    .example('sqlmig upgrade')
    .example('sqlmig upgrade --revision 3f2a9c1b7d4e')
    .example('sqlmig upgrade +2 --dry-run')
    .example('sqlmig upgrade --backup backups/')
    .action(async (revision, o) => {
      const target = str(o.revision) ?? str(revision) ?? 'head'
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

  cli.command('current', 'Show the revision(s) the database is at')
    .option('--check-pending', 'Exit with code 3 when migrations are pending')
    .option('--lock-wait <duration>', 'Give up waiting for another process holding the pglite: data directory after this long, e.g. 30s (default: wait)', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig current --json')
    .action(async (o) => {
      const r = await current(common(o))
      const u = r.untracked
      print(u ? { current: r.current, untracked: { tables: u.tables, examples: u.examples, version_schemas: u.versionSchemas, other_tools: u.otherTools, message: u.message, hint: u.hint } } : { current: r.current }, () => renderCurrent(r))
      if (!json && u) err(`warning: ${u.message}\nhint: ${u.hint}`)
      else if (!json && r.pending.length > 0) err(`${r.pending.length} pending migration${r.pending.length === 1 ? '' : 's'}: run "sqlmig upgrade"`)
      if (o.checkPending && r.pending.length > 0) exitCode = EXIT.pending
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
      print({ revisions: r.revisions.map((e) => ({ revision: e.revision, down_revision: e.down_revision, message: e.message, applied: e.applied, applied_at: e.applied_at, created: e.created })) }, () => renderHistoryGraph(r))
    })

  cli.command('merge <...revisions>', 'Write a merge revision joining two or more heads (empty up and down)')
    .option('-m, --message <message>', 'Message of the merge revision', STRING)
    .example('sqlmig merge a1b2c3 d4e5f6 -m "merge feature branches"')
    .example('sqlmig merge heads -m "merge"')
    .action(async (revisions: unknown[], o) => {
      const r = await merge(revisions.map((x) => str(x)!), { ...common(o), message: str(o.message) })
      print(r, () => `created ${r.up}\ncreated ${r.down}`)
    })

  cli.command('branches', 'Show branch points and their children')
    .example('sqlmig branches')
    .action(async (o) => {
      const r = await branches(common(o))
      const { renderBranches } = await team()
      print(r, () => renderBranches(r))
    })

  cli.command('verify', 'Stairway test: upgrade, downgrade and re-upgrade every revision on an embedded database')
    .example('sqlmig verify')
    .example('sqlmig verify --url postgres://localhost/scratch --json')
    .action(async (o) => {
      const r = await verify(common(o))
      const { renderVerify } = await team()
      print(r, () => renderVerify(r))
      if (!r.ok) exitCode = EXIT.failed
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
    .option('--purge', 'Delete every row of the version table first (also rows no file defines), then record the revisions and their ancestors')
    .option('--dry-run', 'Write the version table inside a transaction and roll back')
    .option('--lock-wait <duration>', 'Give up waiting for another run\'s lock after this long', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig stamp head')
    .example('sqlmig stamp --purge 3f2a9c1b7d4e')
    .action(async (revisions: unknown[], o) => {
      const r = await stamp({
        ...common(o),
        signal: runSignal(),
        revision: revisions.map((x) => str(x)!),
        purge: o.purge === true,
        dryRun: o.dryRun === true,
      })
      print(r.purged ? { ...migrateJson(r), purged: r.purged } : migrateJson(r), () => renderStamp(r))
    })

  cli.command('rehearse', 'Upgrade a throw-away copy of the database and report time, table rewrites and locks per migration')
    .option('--revision <rev>', 'Target revision, as for upgrade (default: head)', STRING)
    .option('--scratch-url <url>', 'Make the copy on this server (URL of a database there, e.g. postgres://ci@scratch/postgres) with pg_dump | pg_restore', STRING)
    .option('--keep', 'Keep the copy afterwards (server only)')
    .option('--no-downgrade', 'Skip checking that each down restores the schema')
    .option('--fail-on <flags>', 'Exit 1 when a migration rewrites a table and/or takes ACCESS EXCLUSIVE on a table with rows: rewrite,access-exclusive', STRING)
    .option('--allow-changed', 'Run even if applied migration files were edited')
    .example('sqlmig rehearse --url "$PROD_URL"')
    .example('sqlmig rehearse --url "$PROD_URL" --fail-on rewrite,access-exclusive --json')
    .example('sqlmig rehearse --url "$PROD_URL" --scratch-url postgres://ci@scratch-host/postgres --keep')
    .action(async (o) => {
      const r = await rehearse({
        ...common(o),
        signal: runSignal(),
        revision: str(o.revision),
        scratchUrl: str(o.scratchUrl),
        keep: o.keep === true,
        downgrade: o.downgrade !== false,
        failOn: str(o.failOn),
        allowChanged: o.allowChanged === true,
      })
      const { rehearseJson, renderRehearse } = await rehearseText()
      print(rehearseJson(r), () => renderRehearse(r))
      const wrongDowns = r.migrations.filter((m) => m.downRestoresSchema === false).map((m) => m.revision)
      if (wrongDowns.length) err(`error: the down of ${wrongDowns.map((id) => `"${id}"`).join(', ')} does not restore the schema it started from`)
      if (r.failedGates.length || wrongDowns.length) exitCode = EXIT.failed
    })

  cli.command('backup <dir>', 'Write a restorable backup (pg_dump custom format, or PGlite .tar.gz) into a folder')
    .option('--lock-wait <duration>', 'Give up waiting for another process holding the pglite: data directory after this long, e.g. 30s (default: wait)', STRING)
    .option('--lock-timeout <duration>', DEPRECATED_LOCK_TIMEOUT, STRING)
    .example('sqlmig backup backups/')
    .example('sqlmig backup backups/ --url "$PROD_URL" --json')
    .action(async (dir, o) => {
      const r = await backup({ ...common(o), folder: str(dir)! })
      const { backupJson, renderBackup } = await rehearseText()
      print(backupJson(r), () => renderBackup(r))
    })

  cli.command('import <folder>', "Write another tool's migrations (golang-migrate, dbmate, goose, flyway, node-pg-migrate) as sqlmig migrations into versions/")
    .option('--from <tool>', 'The tool that wrote them: golang-migrate, dbmate, goose, flyway or node-pg-migrate', STRING)
    .example('sqlmig import ../old/migrations --from golang-migrate')
    .example('sqlmig import db/migrations --from dbmate')
    .example('sqlmig import sql --from flyway --json')
    .action(async (folder, o) => {
      const r = await importHistory(str(folder)!, { from: str(o.from), dir: str(o.dir) })
      const { importNotes, renderImport } = await importText()
      for (const line of importNotes(r)) err(line)
      print(r, () => renderImport(r))
    })

  cli.help((sections) => {
    sections.push({
      title: 'Exit codes',
      body: '  0 done or up to date, 1 a migration failed, 2 usage or configuration error,\n  3 pending migrations (current --check-pending), 4 lock timeout, 5 invalid migration files',
    })
    return sections
  })
  cli.version(VERSION)

  interrupts.install()
  try {
    const args = protectRelative(argv)
    json = args.includes('--json')
    cli.parse(['node', 'sqlmig', ...args], { run: false })
    if (!cli.matchedCommand) {
      if (cli.options.help || cli.options.version) return EXIT.ok
      if (cli.args.length > 0) throw new UsageError(`Unknown command "${cli.args[0]}"`, { hint: 'Run "sqlmig --help" to list the commands' })
      cli.outputHelp()
      return EXIT.usage
    }
    if (cli.options.help) return EXIT.ok
    await cli.runMatchedCommand()
    return exitCode
  } catch (error) {
    const usage = (error as Error)?.name === 'CACError'
    // Commands add their hints themselves (commands/hints.ts); this covers any that does not.
    const e = usage
      ? new UsageError((error as Error).message.replace(/\.$/, ''), { hint: 'Run "sqlmig <command> --help" for its options' })
      : withHint(error, { command: cli.matchedCommand?.name as HintCommand | undefined })
    if (json) out(JSON.stringify(errorJson(e), null, 2))
    err(renderError(e))
    return e instanceof SqlmigError ? exitCodeOf(e) : EXIT.failed
  } finally {
    interrupts.uninstall()
  }
}

