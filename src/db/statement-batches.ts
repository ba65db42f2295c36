/**
 * Statements joined into few simple-query messages, and a server error position in a message
 * mapped back to the statement it falls in. The server parses a whole message before running
 * any of it, so a message is kept to a bounded size (its parse trees are held together).
 */

/** At most this many statements, and about this many characters, per message. */
const STATEMENTS_PER_BATCH = 200
const CHARS_PER_BATCH = 1 << 20

/**
 * The separator: on a line of its own, so that a statement ending in a `--` comment is still
 * ended (the splitter hands statements without their terminating semicolon).
 */
const SEPARATOR = '\n;\n'

export interface StatementBatch {
  /** The statements' text, joined. */
  text: string
  /** Index (in the list given to joinStatements) of the batch's first statement. */
  first: number
  /** 0-based character (code point) offset of each statement in `text`, and one past the last. */
  starts: number[]
}

/** Code points in `s` (what the server counts in an error position). */
function codePoints(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** The statements in order, joined into batches. */
export function joinStatements(texts: readonly string[]): StatementBatch[] {
  const batches: StatementBatch[] = []
  let i = 0
  while (i < texts.length) {
    const parts: string[] = []
    const starts: number[] = []
    let at = 0
    let chars = 0
    const first = i
    while (i < texts.length && parts.length < STATEMENTS_PER_BATCH && (parts.length === 0 || chars + texts[i]!.length <= CHARS_PER_BATCH)) {
      const t = texts[i]!
      starts.push(at)
      parts.push(t)
      at += codePoints(t) + SEPARATOR.length
      chars += t.length + SEPARATOR.length
      i++
    }
    starts.push(at)
    batches.push({ text: parts.join(SEPARATOR), first, starts })
  }
  return batches
}

/**
 * The statement a server error position (1-based, in characters of the batch's text) falls in,
 * and the position within that statement's text (a position in the separator after it becomes
 * one past its end, where the server puts "at end of input" for a lone statement).
 */
export function locateInBatch(batch: StatementBatch, position: number): { index: number; position: number } {
  const offset = position - 1
  let j = 0
  while (j + 1 < batch.starts.length - 1 && batch.starts[j + 1]! <= offset) j++
  const length = batch.starts[j + 1]! - SEPARATOR.length - batch.starts[j]!
  return { index: batch.first + j, position: Math.min(position - batch.starts[j]!, length + 1) }
}
