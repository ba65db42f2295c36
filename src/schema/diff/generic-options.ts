/**
 * Generic options of foreign data wrappers, servers, user mappings and foreign tables
 * (`OPTIONS (host 'db1', port '5432')`). Their order is kept by PostgreSQL and printed by pg_dump,
 * so an ALTER must leave them in the declared order: ADD appends, SET keeps the place, DROP
 * removes; when that cannot give the declared order, every option is dropped and added again
 * (one statement does both).
 */
import type { GenericOption } from '../model.ts'

/** ` OPTIONS (...)` for CREATE, or '' when there are none. */
export function optionsClause(options: GenericOption[]): string {
  return options.length ? ` OPTIONS (${options.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''
}

/** `OPTIONS (DROP ..., SET ..., ADD ...)` turning `a` into `b`, or null when they are the same. */
export function alterOptions(a: GenericOption[], b: GenericOption[]): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null
  const keysA = a.map(([k]) => k)
  const keysB = b.map(([k]) => k)
  const kept = keysA.filter((k) => keysB.includes(k))
  const added = keysB.filter((k) => !keysA.includes(k))
  const parts: string[] = []
  if ([...kept, ...added].join('\n') === keysB.join('\n')) {
    for (const k of keysA) if (!keysB.includes(k)) parts.push(`DROP ${k}`)
    for (const [k, v] of b) {
      const old = a.find(([x]) => x === k)
      if (!old) parts.push(`ADD ${k} ${v}`)
      else if (old[1] !== v) parts.push(`SET ${k} ${v}`)
    }
  } else {
    for (const k of keysA) parts.push(`DROP ${k}`)
    for (const [k, v] of b) parts.push(`ADD ${k} ${v}`)
  }
  return `OPTIONS (${parts.join(', ')})`
}
