/** Reading argv with cac: relative targets (-1) kept positional, values kept as strings. */

/** Relative targets like -1 would be read as flags; they travel under this prefix through cac. */
const RELATIVE_MARK = 'sqlmig-relative:'

export function protectRelative(argv: string[]): string[] {
  return argv.map((a, i) => (i > 0 && /^[+-]\d+$/.test(a) && argv[i - 1] !== '--lock-timeout' && argv[i - 1] !== '--lock-wait' ? `${RELATIVE_MARK}${a}` : a))
}

/** cac turns numeric-looking values into numbers (losing leading zeros of a revision id): undo it. */
export function str(value: unknown): string | undefined {
  if (value === undefined || value === null || value === false) return undefined
  const v = Array.isArray(value) ? value[value.length - 1] : value
  const s = String(v)
  return s.startsWith(RELATIVE_MARK) ? s.slice(RELATIVE_MARK.length) : s
}

/** cac option config that keeps a value a string. */
export const STRING = { type: [String] }

/**
 * cac gives mri its boolean options under their camelCase names, so a dashed flag such as
 * `--dry-run` or `--update-checksums` takes the next word as its value (`stamp --dry-run head`
 * lost "head"). Such flags move after the other words (before a `--`), where nothing follows
 * them. `booleans`: the dashed names of every boolean option (without `--`).
 */
export function booleanFlagsLast(argv: string[], booleans: ReadonlySet<string>): string[] {
  const end = argv.indexOf('--')
  const head = end === -1 ? argv : argv.slice(0, end)
  const moved = head.filter((a) => a.startsWith('--') && booleans.has(a.slice(2)))
  if (moved.length === 0) return argv
  return [...head.filter((a) => !moved.includes(a)), ...moved, ...(end === -1 ? [] : argv.slice(end))]
}
