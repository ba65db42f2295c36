/** The hints for `+N`/`-N` errors from the graph layer: the explicit targets to type instead. */
import { AmbiguousRelativeTarget, RelativeOutOfRange } from '../errors.ts'

const either = (commands: readonly string[]): string =>
  commands.length <= 1 ? commands.join('') : `${commands.slice(0, -1).join(', ')} or ${commands[commands.length - 1]}`

/** `error` with its hint when it is a relative-target error, else `error` itself. */
export function withRelativeHint(error: unknown): unknown {
  if (error instanceof AmbiguousRelativeTarget) {
    const verb = error.direction === 'up' ? 'upgrade' : 'downgrade'
    const targets = [...new Set(error.targets.filter((t): t is string => t !== undefined))]
    const what = error.direction === 'up' ? 'Name the revision to upgrade to' : 'Name the revision to keep'
    return error.withHint(targets.length === 0
      ? `${what}: "sqlmig ${verb} <revision>" (run "sqlmig history" to see the branches)`
      : `${what}: ${either(targets.map((t) => `"sqlmig ${verb} ${t}"`))}`)
  }
  if (error instanceof RelativeOutOfRange) {
    if (error.direction === 'up') {
      return error.withHint(error.available > 0 && error.reached !== undefined
        ? `Run "sqlmig upgrade +${error.available}" (or "sqlmig upgrade ${error.reached}") to go as far as that branch leads, or "sqlmig upgrade heads" to apply every pending revision`
        : 'Run "sqlmig upgrade heads" to apply every pending revision, or "sqlmig history" to see the branches')
    }
    return error.withHint(error.available > 0
      ? `Run "sqlmig downgrade -${error.available}" (or "sqlmig downgrade base") to undo all of them`
      : 'Run "sqlmig current" to check the database')
  }
  return error
}

/** Runs `fn`, adding the hint to a relative-target error it throws. */
export function hintingRelative<R>(fn: () => R): R {
  try {
    return fn()
  } catch (error) {
    throw withRelativeHint(error)
  }
}
