/** PostgreSQL's table lock modes, their order, and what each blocks (the conflict table of the docs, "Explicit Locking"). */

export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE'

/** Weakest first: a stronger mode conflicts with every mode a weaker one conflicts with. */
export const LOCK_MODES: readonly LockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
]

/** pg_locks.mode ("AccessExclusiveLock") → "ACCESS EXCLUSIVE". */
export function lockModeOf(pgLocksMode: string): LockMode | undefined {
  const words = pgLocksMode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : undefined
}

export function strongerLock(a: LockMode | undefined, b: LockMode | undefined): LockMode | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b
}

/** What other sessions cannot do on the table while the lock is held (reads after "blocks"). */
export function blockedBy(mode: LockMode): string {
  switch (mode) {
    case 'ACCESS EXCLUSIVE':
      return 'all reads and writes of it'
    case 'EXCLUSIVE':
      return 'writes and SELECT ... FOR UPDATE/SHARE (plain reads go on)'
    case 'SHARE ROW EXCLUSIVE':
      return 'writes: INSERT, UPDATE, DELETE (reads go on)'
    case 'SHARE':
      return 'writes: INSERT, UPDATE, DELETE (reads go on)'
    case 'SHARE UPDATE EXCLUSIVE':
      return 'other schema changes, VACUUM and index builds (reads and writes go on)'
    case 'ROW EXCLUSIVE':
      return 'only CREATE INDEX, ALTER TABLE and other SHARE-or-stronger locks (reads and writes go on)'
    case 'ROW SHARE':
      return 'only EXCLUSIVE and ACCESS EXCLUSIVE locks (reads and writes go on)'
    case 'ACCESS SHARE':
      return 'only ACCESS EXCLUSIVE locks (reads and writes go on)'
  }
}
