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
