/**
 * The one place that knows which runtime runs sqlmig. Under Deno, the CLI checks its permissions
 * before loading anything: without them Deno would prompt in a terminal, or fail with a stack
 * trace about whatever a dependency touched first (picocolors reads env "CI" on import).
 */

/** The Deno permissions sqlmig's CLI uses, each with the flag that grants it. */
const DENO_PERMISSIONS = [
  ['read', '--allow-read'],
  ['write', '--allow-write'],
  ['env', '--allow-env'],
  ['net', '--allow-net'],
  ['sys', '--allow-sys'],
  ['run', '--allow-run'],
] as const

interface DenoPermissions {
  permissions: { querySync(descriptor: { name: string }): { state: string } }
}

/** Under Deno: the flags of the permissions not granted (empty when all are); elsewhere empty. */
export function missingDenoPermissions(): string[] {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno
  if (deno?.permissions?.querySync === undefined) return []
  return DENO_PERMISSIONS.filter(([name]) => deno.permissions.querySync({ name }).state !== 'granted').map(([, flag]) => flag)
}

/** The one line the CLI prints when Deno permissions are missing. */
export function denoPermissionsLine(missing: readonly string[]): string {
  return `error: sqlmig needs Deno permissions it was not given: ${missing.join(' ')} (or run it with -A)`
}
