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
import { booleanFlagsLast, protectRelative, str, STRING } from './args.ts'
import { registerProjectCommands } from './commands-project.ts'
import { registerRunCommands } from './commands-run.ts'
import { registerSwitchCommands } from './commands-switch.ts'
import type { CliContext } from './cli-context.ts'
import { createInterrupts } from './interrupts.ts'
import { VERSION } from '../version.ts'
import { errorJson, renderError, renderEvent } from './render-text.ts'
import { unknownCommand, unknownOption } from './unknown-input.ts'


/** Where the CLI writes; tests may pass their own. */
export interface CliIO {
  out: (text: string) => void
  err: (text: string) => void
}


const defaultIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}


/** What `show` prints with console.info (cac's help), as text. */
function captureHelp(show: () => void): string {
  const info = console.info
  let text = ''
  console.info = (...parts: unknown[]) => (text += `${parts.join(' ')}\n`)
  try {
    show()
  } finally {
    console.info = info
  }
  return text
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
    lock: str(o.lock) as 'advisory' | 'table' | undefined,
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

  const ctx: CliContext = {
    cli, out, err, common, print, printScript, migrateOptions, migrateJson, runSignal,
    json: () => json,
    setExitCode: (code) => (exitCode = code),
  }
  registerRunCommands(ctx)
  registerProjectCommands(ctx)
  registerSwitchCommands(ctx)

  cli.help((sections) => {
    for (const s of sections) {
      // A negated flag says what it does; cac's "(default: true)" on it reads as the opposite.
      s.body = s.body.split('\n').map((l) => (/^\s+--no-/.test(l) ? l.replace(/ \(default: true\)\s*$/, '') : l).trimEnd()).join('\n')
    }
    sections.push({
      title: 'Exit codes',
      body: '  0 done or up to date, 1 a migration failed, 2 usage or configuration error,\n  3 pending migrations (current --check-pending), 4 lock timeout, 5 invalid migration files',
    })
    return sections
  })
  cli.version(VERSION)

  interrupts.install()
  try {
    const booleans = new Set([cli.globalCommand, ...cli.commands].flatMap((c) => c.options).filter((o) => o.isBoolean && !o.negated).flatMap((o) => o.rawName.split(/[ ,]+/)).filter((n) => n.startsWith('--') && n.includes('-', 2)).map((n) => n.slice(2)))
    // `sqlmig help [command]` (dbmate's, git's): the same as --help.
    const args = booleanFlagsLast(protectRelative(argv[0] === 'help' ? [...argv.slice(1, 2), '--help'] : argv), booleans)
    json = args.includes('--json')
    cli.parse(['node', 'sqlmig', ...args], { run: false })
    if (!cli.matchedCommand) {
      if (cli.options.help || cli.options.version) return EXIT.ok
      if (cli.args.length > 0) throw unknownCommand(cli, String(cli.args[0]))
      // Bare `sqlmig`: the help on stderr and exit 2, as Alembic does (`sqlmig --help` is stdout, 0).
      io.err(captureHelp(() => cli.outputHelp()))
      return EXIT.usage
    }
    if (cli.options.help) return EXIT.ok
    await cli.runMatchedCommand()
    return exitCode
  } catch (error) {
    const usage = (error as Error)?.name === 'CACError'
    // Commands add their hints themselves (commands/hints.ts); this covers any that does not.
    const e = usage
      ? unknownOption(cli, (error as Error).message, argv) ?? new UsageError((error as Error).message.replace(/\.$/, ''), { hint: 'Run "sqlmig <command> --help" for its options' })
      : withHint(error, { command: cli.matchedCommand?.name as HintCommand | undefined })
    if (json) out(JSON.stringify(errorJson(e), null, 2))
    err(renderError(e))
    return e instanceof SqlmigError ? exitCodeOf(e) : EXIT.failed
  } finally {
    interrupts.uninstall()
  }
}

