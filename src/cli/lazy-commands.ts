/**
 * The command functions and text renderers the CLI calls, each loaded on first use: Node 20 pays
 * ~1.5 ms per ES module at start, so `sqlmig current` loads the ~20 modules it needs, not the ~50
 * of all commands, and the schema differ, pg_dump/pg_restore and the verifier load only for the
 * commands that use them.
 */

function lazy<A extends unknown[], R>(load: () => Promise<(...args: A) => R>): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => await (await load())(...args)
}
export const branches = lazy(async () => (await import('../commands/branches.ts')).branches)
export const current = lazy(async () => (await import('../commands/current.ts')).current)
export const downgrade = lazy(async () => (await import('../commands/downgrade.ts')).downgrade)
export const downgradeSql = lazy(async () => (await import('../commands/downgrade.ts')).downgradeSql)
export const heads = lazy(async () => (await import('../commands/heads.ts')).heads)
export const history = lazy(async () => (await import('../commands/history.ts')).history)
export const init = lazy(async () => (await import('../commands/init.ts')).init)
export const merge = lazy(async () => (await import('../commands/merge.ts')).merge)
export const repair = lazy(async () => (await import('../commands/repair.ts')).repair)
export const showTarget = lazy(async () => (await import('../commands/show.ts')).showTarget)
export const stamp = lazy(async () => (await import('../commands/stamp.ts')).stamp)
export const upgrade = lazy(async () => (await import('../commands/upgrade.ts')).upgrade)
export const upgradeSql = lazy(async () => (await import('../commands/upgrade.ts')).upgradeSql)
export const check = lazy(async () => (await import('../commands/autogen.ts')).check)
export const diff = lazy(async () => (await import('../commands/autogen.ts')).diff)
export const create = lazy(async () => (await import('../commands/create.ts')).create)
export const backup = lazy(async () => (await import('../commands/backup.ts')).backup)
export const rehearse = lazy(async () => (await import('../commands/rehearse.ts')).rehearse)
export const importHistory = lazy(async () => (await import('../commands/import.ts')).importHistory)
export const adopt = lazy(async () => (await import('../commands/adopt.ts')).adopt)
export const pull = lazy(async () => (await import('../commands/pull.ts')).pull)
export const baseline = lazy(async () => (await import('../commands/baseline.ts')).baseline)
export const lint = lazy(async () => (await import('../commands/lint.ts')).lint)
export const verify = lazy(async () => (await import('../commands/verify.ts')).verify)
export const team = async () => await import('./render-team.ts')
export const autogenText = async () => await import('./render-autogen.ts')
export const rehearseText = async () => await import('./render-rehearse.ts')
export const importText = async () => await import('./render-import.ts')
export const switchText = async () => await import('./render-switch.ts')
export const lintText = async () => await import('./render-lint.ts')
