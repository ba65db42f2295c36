/**
 * SIGINT/SIGTERM while a run holds the database: abort it (cancel the statement, roll back,
 * release the lock) and exit 130/143. Other commands, or a second signal, exit at once.
 */
import process from 'node:process'
import { EXIT, SqlmigError } from '../errors.ts'

export interface Interrupts {
  /** The signal for a command that runs migrations (marks the CLI as able to abort cleanly). */
  runSignal(): AbortSignal
  install(): void
  uninstall(): void
}

/** Signal handling for one CLI invocation; `err` prints a line to stderr. */
export function createInterrupts(err: (line: string) => void): Interrupts {
  const abort = new AbortController()
  let abortable = false
  let signals = 0
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    const code = signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm
    signals += 1
    if (!abortable || signals > 1) {
      err(`Interrupted by ${signal}${abortable ? ' again: exiting without waiting for the rollback (the server rolls back when the connection closes)' : ''}`)
      process.exit(code)
    }
    err(`Received ${signal}: cancelling the running statement and rolling back (send it again to exit at once)`)
    abort.abort(new SqlmigError('INTERRUPTED', `Interrupted by ${signal}`, { exitCode: code }))
  }
  const onSigint = () => onSignal('SIGINT')
  const onSigterm = () => onSignal('SIGTERM')
  return {
    runSignal() {
      abortable = true
      return abort.signal
    },
    install() {
      process.on('SIGINT', onSigint)
      process.on('SIGTERM', onSigterm)
    },
    uninstall() {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
    },
  }
}
