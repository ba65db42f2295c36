/**
 * A token scanner for SQL text that follows PostgreSQL's own lexers (the server's
 * src/backend/parser/scan.l and psql's src/fe_utils/psqlscan.l) just far enough to know where
 * quotes, comments and statement-ending semicolons are. It never builds token values.
 * Every rule runs in linear time; the only errors are SqlSyntaxErrors.
 */
import { SqlSyntaxError } from '../errors.ts'
import { caretExcerpt, lineColumnAt } from './position.ts'

/** What the last scanned token was: `word` is an unquoted identifier or keyword. */
export type TokenKind = 'space' | 'comment' | 'word' | 'quoted' | 'other'

/** Codes of the errors the scanner throws. */
export type SqlSyntaxCode =
  | 'UNTERMINATED_STRING'
  | 'UNTERMINATED_DOLLAR_QUOTE'
  | 'UNTERMINATED_IDENTIFIER'
  | 'UNTERMINATED_COMMENT'
  | 'PSQL_META_COMMAND'
  | 'NUL_CHARACTER'

const LF = 10, CR = 13, TAB = 9, VT = 11, FF = 12, SPACE = 32
const QUOTE = 39 /* ' */, DQUOTE = 34 /* " */, DOLLAR = 36, BACKSLASH = 92
const SLASH = 47, STAR = 42, DASH = 45, AMP = 38

/** scan.l: space [ \t\n\r\f\v] (\v since PostgreSQL 16); \n and \r are both newlines. */
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === FF || c === VT
}
function isHorizontalSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === FF || c === VT
}
/** ident_start [A-Za-z\200-\377_]: every non-ASCII character counts as a letter. */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128
}
/** dolq_cont [A-Za-z\200-\377_0-9]: a dollar-quote tag is an identifier without "$". */
function isTagChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57)
}
/** ident_cont [A-Za-z\200-\377_0-9\$]: "a$b" is one identifier, not a dollar quote. */
function isIdentCont(c: number): boolean {
  return isTagChar(c) || c === DOLLAR
}

/** The SqlSyntaxError for a problem at `offset`, with file:line:column and a caret excerpt. */
export function sqlSyntaxError(
  sql: string, file: string | undefined, code: SqlSyntaxCode, message: string, offset: number, hint: string,
): SqlSyntaxError {
  const { line, column } = lineColumnAt(sql, offset)
  return new SqlSyntaxError(code, message, offset, {
    hint,
    location: file === undefined ? undefined : { file, line, column },
    detail: caretExcerpt(sql, offset),
  })
}

/** Scans one token at a time; `kind`, `start` and `end` describe the last one. */
export class Scanner {
  readonly sql: string
  readonly file: string | undefined
  kind: TokenKind = 'space'
  start = 0
  end = 0
  /** True while only horizontal space has been seen since the last newline (or the start). */
  private atLineStart = true

  constructor(sql: string, file?: string) {
    this.sql = sql
    this.file = file
  }

  /** Continues scanning at `offset`, the start of a line (after the inline data of a COPY). */
  skipTo(offset: number): void {
    this.end = offset
    this.atLineStart = true
  }

  private fail(code: SqlSyntaxCode, message: string, offset: number, hint: string): never {
    throw sqlSyntaxError(this.sql, this.file, code, message, offset, hint)
  }

  /** Scans the token at `end`; returns false at the end of the text. */
  next(): boolean {
    const s = this.sql
    const i = (this.start = this.end)
    if (i >= s.length) return false
    const c = s.charCodeAt(i)
    const d = s.charCodeAt(i + 1)
    if (isSpace(c)) {
      let j = i
      let newline = false
      while (j < s.length && isSpace(s.charCodeAt(j))) {
        const k = s.charCodeAt(j++)
        if (k === LF || k === CR) newline = true
      }
      this.set('space', j)
      if (newline) this.atLineStart = true
      return true
    }
    if (c === DASH && d === DASH) this.set('comment', this.lineCommentEnd(i))
    else if (c === SLASH && d === STAR) this.set('comment', this.blockCommentEnd(i))
    else if (c === QUOTE) this.set('quoted', this.stringEnd(i, i + 1, false))
    else if (c === DQUOTE) this.set('quoted', this.identifierEnd(i, i + 1))
    else if (c === DOLLAR) this.dollar(i)
    else if (isIdentStart(c)) this.word(i, c, d)
    else if (c === BACKSLASH && this.atLineStart && isMetaStart(d)) this.meta(i)
    else this.set('other', i + 1)
    this.atLineStart = false
    return true
  }

  private set(kind: TokenKind, end: number): void {
    this.kind = kind
    this.end = end
  }

  /** scan.l: comment ("--"{non_newline}*): to the next \n or \r, or to the end of the text. */
  private lineCommentEnd(i: number): number {
    const s = this.sql
    let j = i + 2
    while (j < s.length && s.charCodeAt(j) !== LF && s.charCodeAt(j) !== CR) j++
    return j
  }

  /** scan.l <xc>: block comments nest, unlike the SQL standard's; each "/*" needs its "*\/". */
  private blockCommentEnd(i: number): number {
    const s = this.sql
    let depth = 1
    let j = i + 2
    while (j < s.length) {
      const c = s.charCodeAt(j)
      const d = s.charCodeAt(j + 1)
      if (c === SLASH && d === STAR) { depth++; j += 2 }
      else if (c === STAR && d === SLASH) { j += 2; if (--depth === 0) return j }
      else j++
    }
    return this.fail('UNTERMINATED_COMMENT', 'Unterminated block comment', i,
      'Add the closing "*/" (block comments nest: each "/*" inside needs its own "*/")')
  }

  /**
   * A string literal opened at `from` (a quote) whose token starts at `start` (a prefix letter).
   * scan.l <xq>: '' is a quote inside the string; with standard_conforming_strings on (the
   * default since PostgreSQL 9.1) a backslash is an ordinary character. <xe> (E'...'): a
   * backslash escapes the next character, so \' does not end the string. B'', X'', N'' and
   * U&'' scan like '' for our purpose: a doubled quote there reads as two adjacent strings,
   * which ends in the same place.
   */
  private stringEnd(start: number, from: number, escapes: boolean): number {
    const s = this.sql
    let j = from
    while (j < s.length) {
      const c = s.charCodeAt(j)
      if (c === BACKSLASH && escapes) j += 2
      else if (c !== QUOTE) j++
      else if (s.charCodeAt(j + 1) === QUOTE) j += 2
      else {
        // <xqs>: 'a'<newline>'b' is one literal ('ab') and keeps the first part's escape
        // rules, so only an E string needs the look-ahead to know how to read the next part.
        const next = escapes ? continuationQuote(s, j + 1) : -1
        if (next < 0) return j + 1
        j = next + 1
      }
    }
    return this.fail('UNTERMINATED_STRING', 'Unterminated quoted string', start,
      'Add the closing "\'" (a quote inside a string is written "\'\'")')
  }

  /** scan.l <xd>: "..." with "" for a double quote inside; U&"..." scans the same way. */
  private identifierEnd(start: number, from: number): number {
    const s = this.sql
    for (let j = from; j < s.length; j++) {
      if (s.charCodeAt(j) !== DQUOTE) continue
      if (s.charCodeAt(j + 1) !== DQUOTE) return j + 1
      j++
    }
    return this.fail('UNTERMINATED_IDENTIFIER', 'Unterminated quoted identifier', start,
      'Add the closing \'"\' (a double quote inside an identifier is written \'""\')')
  }

  /**
   * scan.l: param \${integer} ($1 is a parameter); dolqdelim \$({dolq_start}{dolq_cont}*)?\$
   * opens a dollar quote that ends at the first identical delimiter (tags are case-sensitive,
   * nothing inside is special); dolqfailed ($tag without a closing $) is a lone "$".
   */
  private dollar(i: number): void {
    const s = this.sql
    const d = s.charCodeAt(i + 1)
    if (d >= 48 && d <= 57) {
      let j = i + 1
      while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++
      return this.set('other', j)
    }
    let j = i + 1
    if (isIdentStart(d)) while (j < s.length && isTagChar(s.charCodeAt(j))) j++
    if (s.charCodeAt(j) !== DOLLAR) return this.set('other', i + 1)
    const delimiter = s.slice(i, j + 1)
    const close = s.indexOf(delimiter, j + 1)
    if (close < 0) {
      this.fail('UNTERMINATED_DOLLAR_QUOTE', `Unterminated dollar-quoted string "${delimiter}"`, i,
        `Add the closing "${delimiter}"`)
    }
    this.set('quoted', close + delimiter.length)
  }

  /**
   * An identifier or keyword, unless its first letter prefixes a quote, as flex's longest match
   * decides: E'' (xestart), B'' X'' N'' (xbstart, xhstart, xnstart), U&'' and U&"" (xusstart,
   * xuistart). "u&" before anything else is xufailed: a lone "u" that is not an identifier.
   */
  private word(i: number, c: number, d: number): void {
    const s = this.sql
    const lower = c | 0x20
    if (d === QUOTE) {
      if (lower === 101 /* e */) return this.set('quoted', this.stringEnd(i, i + 2, true))
      if (lower === 98 || lower === 120 || lower === 110 /* b x n */) {
        return this.set('quoted', this.stringEnd(i, i + 2, false))
      }
    }
    if (lower === 117 /* u */ && d === AMP) {
      const q = s.charCodeAt(i + 2)
      if (q === QUOTE) return this.set('quoted', this.stringEnd(i, i + 3, false))
      if (q === DQUOTE) return this.set('quoted', this.identifierEnd(i, i + 3))
      return this.set('other', i + 1)
    }
    let j = i + 1
    while (j < s.length && isIdentCont(s.charCodeAt(j))) j++
    this.set('word', j)
  }

  /**
   * psql reads a backslash outside quotes as the start of a meta-command (\i, \set, \connect);
   * the server would reject it. At the start of a line it is surely one: refuse it here, where
   * the file and line can be named. Elsewhere a backslash is left for the server to reject.
   */
  private meta(i: number): void {
    const s = this.sql
    let j = i + 1
    if (isIdentStart(s.charCodeAt(j))) while (j < s.length && isTagChar(s.charCodeAt(j))) j++
    else j++
    // pg_dump 15.14+/17.6+ brackets its output with \restrict KEY ... \unrestrict KEY, which only
    // stop psql from running meta-commands in between. sqlmig runs none: the line is a comment.
    const name = s.slice(i + 1, j)
    if (name === 'restrict' || name === 'unrestrict') return this.set('comment', this.lineCommentEnd(i))
    this.fail('PSQL_META_COMMAND', `psql meta-command "${s.slice(i, j)}" is not supported`, i,
      'Remove it: sqlmig sends SQL to the server, not to psql')
  }
}

/** A meta-command name starts with a letter, or is one of \! and \? . */
function isMetaStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 33 || c === 63
}

/**
 * scan.l quotecontinue: {whitespace_with_newline}{quote}, where whitespace_with_newline is
 * ({horiz_space}|{comment})* {newline} ({space}+|{comment}{newline})*. Returns the offset of
 * the quote that continues the literal ending at `from`, or -1.
 */
function continuationQuote(s: string, from: number): number {
  let j = from
  for (;;) {
    const c = s.charCodeAt(j)
    if (isHorizontalSpace(c)) j++
    else if (c === DASH && s.charCodeAt(j + 1) === DASH) j = skipToNewline(s, j)
    else break
  }
  const nl = s.charCodeAt(j)
  if (nl !== LF && nl !== CR) return -1
  j++
  for (;;) {
    const c = s.charCodeAt(j)
    if (isSpace(c)) j++
    else if (c === DASH && s.charCodeAt(j + 1) === DASH) {
      j = skipToNewline(s, j)
      if (j >= s.length) return -1
    } else break
  }
  return s.charCodeAt(j) === QUOTE ? j : -1
}

function skipToNewline(s: string, j: number): number {
  while (j < s.length && s.charCodeAt(j) !== LF && s.charCodeAt(j) !== CR) j++
  return j
}
