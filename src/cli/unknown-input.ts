/**
 * What the CLI says about input it does not know: an unknown command gets sqlmig's name for a
 * peer tool's verb (Alembic's `revision`, dbmate's `up`, Flyway's `migrate`…) or the closest
 * command, an unknown option is echoed as typed with the closest option of that command. Neither
 * is ever run in place of what was typed: a newcomer's `down` is dbmate's "undo one", sqlmig's
 * `downgrade` takes a target, so the line says which command to type.
 */
import type { CAC } from 'cac'
import { closestMatch } from '../did-you-mean.ts'
import { UsageError } from '../errors.ts'

/** Verbs of Alembic, dbmate and Flyway, with the sqlmig command line that does the same. */
export const PEER_VERBS: Readonly<Record<string, string>> = {
  revision: 'create -m "message"',
  new: 'create "message"',
  status: 'current',
  info: 'history',
  up: 'upgrade',
  migrate: 'upgrade',
  down: 'downgrade -1',
  rollback: 'downgrade -1',
}

/** The error for `sqlmig <word>` when no command is named `word`. */
export function unknownCommand(cli: CAC, word: string): UsageError {
  const peer = PEER_VERBS[word.toLowerCase()]
  if (peer !== undefined) {
    return new UsageError(`Unknown command "${word}" (another tool's name)`, { hint: `In sqlmig that is: sqlmig ${peer}` })
  }
  const near = closestMatch(word, cli.commands.map((c) => c.name).filter((n) => n !== ''))
  return new UsageError(`Unknown command "${word}"`, { hint: near ? `Did you mean "sqlmig ${near}"?` : 'Run "sqlmig --help" to list the commands' })
}

/**
 * The error for cac's "Unknown option `--dryRn`": the option as the user typed it in `argv`
 * (cac reports it camelCased) and the closest option the command has.
 */
export function unknownOption(cli: CAC, message: string, argv: readonly string[]): UsageError | undefined {
  const reported = /^Unknown option `(-{1,2})([^`]+)`/.exec(message)
  if (!reported) return undefined
  const flat = (s: string) => s.replace(/^-+/, '').split('=')[0]!.replace(/-/g, '').toLowerCase()
  const name = reported[2]!.toLowerCase()
  // mri reads --no-x as x=false: cac then reports "--x".
  const typed = argv.find((a) => a.startsWith('-') && (flat(a) === name || flat(a) === `no${name}`))?.split('=')[0] ?? `${reported[1]}${reported[2]}`
  const command = cli.matchedCommand
  const options = [...(command?.options ?? []), ...cli.globalCommand.options]
  const names = options.flatMap((o) => o.rawName.split(',').map((n) => n.trim().split(/[ <[]/)[0]!)).filter((n) => n.startsWith('--'))
  const near = closestMatch(typed, names)
  const where = command?.name ? `sqlmig ${command.name} --help` : 'sqlmig --help'
  return new UsageError(`Unknown option "${typed}"`, { hint: near ? `Did you mean ${near}? ("${where}" lists the options)` : `Run "${where}" for its options` })
}
