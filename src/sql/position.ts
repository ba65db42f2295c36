/**
 * Offsets ↔ line:column in SQL text, and the caret excerpt shown under error messages.
 *
 * Offsets are JavaScript string indexes (UTF-16 code units). Lines and columns are 1-based;
 * a line break is LF, CRLF (one break) or a lone CR, as PostgreSQL's scanner accepts "either
 * \n or \r as a newline". Columns count characters (code points), not bytes or code units,
 * which is also how the server counts its error `position` (in characters of the query text).
 */

/** A 1-based line and column (the column counts code points). */
export interface LineColumn {
  line: number
  column: number
}

const LF = 10
const CR = 13
const TAB = 9

/** Widest excerpt line shown around a caret; longer lines are cut to a window with "…". */
const EXCERPT_WIDTH = 120

function isLowSurrogateAfterHigh(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c < 0xdc00 || c > 0xdfff || i === 0) return false
  const p = text.charCodeAt(i - 1)
  return p >= 0xd800 && p <= 0xdbff
}

function clamp(offset: number, length: number): number {
  if (!Number.isFinite(offset) || offset < 0) return 0
  return Math.min(Math.floor(offset), length)
}

/**
 * A line:column finder for many offsets in one text, in linear total time when the offsets
 * come in increasing order (it restarts from the beginning when one goes backwards).
 */
export function positionCursor(text: string): (offset: number) => LineColumn {
  let pos = 0
  let line = 1
  let column = 1
  return (offset: number): LineColumn => {
    const target = clamp(offset, text.length)
    if (target < pos) {
      pos = 0
      line = 1
      column = 1
    }
    for (; pos < target; pos++) {
      const c = text.charCodeAt(pos)
      // A CR followed by LF is one break, counted at the LF: an offset pointing at that LF
      // is still on the line the CR ends.
      if (c === LF || (c === CR && text.charCodeAt(pos + 1) !== LF)) {
        line++
        column = 1
      } else if (c < 0xdc00 || c > 0xdfff || !isLowSurrogateAfterHigh(text, pos)) {
        // (The range test first: most characters are no low surrogate, and the call costs.)
        column++
      }
    }
    return { line, column }
  }
}

/** The 1-based line and column (in characters) of `offset` in `text`. */
export function lineColumnAt(text: string, offset: number): LineColumn {
  return positionCursor(text)(offset)
}

/** The offset just after the line break that ends the line starting at `from`, or text.length. */
function nextLineStart(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === LF) return i + 1
    if (c === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1
  }
  return text.length
}

/** The offset where the line containing `offset` ends (before its line break). */
function lineEnd(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === LF || c === CR) return i
  }
  return text.length
}

/** The offset where the line containing `offset` starts. */
function lineStartOf(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i)
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) return i + 1
  }
  return 0
}

/**
 * The offset of a 1-based line and column (column in characters). A column past the end of
 * its line gives the line's end; a line past the last gives text.length.
 */
export function offsetAt(text: string, line: number, column: number): number {
  let start = 0
  for (let l = 1; l < line; l++) {
    if (start >= text.length) return text.length
    start = nextLineStart(text, start)
  }
  const end = lineEnd(text, start)
  let i = start
  for (let col = 1; col < column && i < end; col++) {
    i++
    if (i < end && isLowSurrogateAfterHigh(text, i)) i++
  }
  return i
}

/**
 * The offset in the whole text of a PostgreSQL error `position`: a 1-based character index
 * into the query text that the server received, which started at `statementStart` in `text`.
 * A position past the text's end gives text.length.
 */
export function offsetOfServerPosition(text: string, statementStart: number, position: number): number {
  let i = clamp(statementStart, text.length)
  for (let n = 1; n < position && i < text.length; n++) {
    i++
    if (i < text.length && isLowSurrogateAfterHigh(text, i)) i++
  }
  return i
}

/**
 * The line containing `offset`, then a line with a `^` under that character. Tabs before the
 * caret are kept in the spacer so the caret lines up in a terminal. Lines wider than
 * EXCERPT_WIDTH are cut to a window around the caret, marked with "…".
 */
export function caretExcerpt(text: string, offset: number): string {
  const at = clamp(offset, text.length)
  let start = lineStartOf(text, at)
  let end = lineEnd(text, at)
  let prefix = ''
  let suffix = ''
  if (end - start > EXCERPT_WIDTH) {
    const half = EXCERPT_WIDTH >> 1
    if (at - start > half) {
      start = at - half
      if (isLowSurrogateAfterHigh(text, start)) start++
      prefix = '…'
    }
    if (end - start > EXCERPT_WIDTH) {
      end = start + EXCERPT_WIDTH
      if (isLowSurrogateAfterHigh(text, end)) end++
      suffix = '…'
    }
  }
  let spacer = prefix === '' ? '' : ' '
  for (let i = start; i < at; i++) {
    if (isLowSurrogateAfterHigh(text, i)) continue
    spacer += text.charCodeAt(i) === TAB ? '\t' : ' '
  }
  return `${prefix}${text.slice(start, end)}${suffix}\n${spacer}^`
}
