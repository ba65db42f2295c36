/**
 * Statements PostgreSQL refuses inside a transaction block (SQLSTATE 25001, "... cannot run
 * inside a transaction block"): the callers of PreventInTransactionBlock() in the server
 * (tcop/utility.c, commands/indexcmds.c, vacuum.c, cluster.c, dbcommands.c, tablespace.c,
 * subscriptioncmds.c, discard.c). A migration holding one must run `transaction: false`.
 *
 * Read from the lexer's tokens, never from the raw text: a comment, a string, a quoted
 * identifier ("concurrently") or a dollar-quoted body (a function that runs VACUUM when called)
 * is not the keyword. What depends on the database's state is left out: REINDEX or CLUSTER of
 * a partitioned table (refused too, but the SQL does not say the table is partitioned).
 */
import { isIdentStart, Scanner } from './scan.ts'

interface Token {
  /** `word`: an unquoted word, lower-cased; `name`: a quoted identifier's text; `string`, `other`. */
  kind: 'word' | 'name' | 'string' | 'other'
  value: string
}

/** What one file's earlier statements said that a later one depends on. */
export interface OutsideTransactionContext {
  /** Subscriptions given no replication slot (`slot_name = NONE`): dropping one is transactional. */
  slotless: Set<string>
}

export function newOutsideTransactionContext(): OutsideTransactionContext {
  return { slotless: new Set() }
}

/** The statement's tokens (comments and spaces left out), at most `limit` of them. */
function tokensOf(text: string, limit: number): Token[] {
  const out: Token[] = []
  const scanner = new Scanner(text)
  try {
    while (out.length < limit && scanner.next()) {
      const kind = scanner.kind
      if (kind === 'space' || kind === 'comment') continue
      const raw = text.slice(scanner.start, scanner.end)
      if (kind === 'word') out.push({ kind: 'word', value: raw.toLowerCase() })
      else if (kind === 'other') out.push({ kind: 'other', value: raw })
      else if (raw.charCodeAt(0) === 34 /* " */) out.push({ kind: 'name', value: raw.slice(1, -1).replaceAll('""', '"') })
      else if (/^u&"/i.test(raw)) out.push({ kind: 'name', value: raw })
      else out.push({ kind: 'string', value: raw })
    }
  } catch {
    // Text the splitter accepted always scans; keep what was read if not.
  }
  return out
}

function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'word' && t.value === word
}

/** A name as the server folds it: unquoted words are lower-cased, quoted ones kept. */
function nameOf(t: Token | undefined): string | undefined {
  return t !== undefined && (t.kind === 'word' || t.kind === 'name') ? t.value : undefined
}

/**
 * `( name [= value] [, ...] )` starting at tokens[at] (the "("): the options, with the text of
 * each value's first token (true when an option has none, as `(create_slot)`).
 */
function optionsAt(tokens: Token[], at: number): Map<string, string> {
  const options = new Map<string, string>()
  if (tokens[at]?.value !== '(') return options
  let i = at + 1
  while (i < tokens.length && tokens[i]!.value !== ')') {
    const name = nameOf(tokens[i])
    i++
    let value = 'true'
    if (tokens[i]?.value === '=') {
      value = tokens[i + 1]?.value ?? ''
      i += 2
    } else if (tokens[i] && tokens[i]!.value !== ',' && tokens[i]!.value !== ')') {
      value = tokens[i]!.value
      i++
    }
    if (name !== undefined) options.set(name, value.replace(/^'(.*)'$/s, '$1').toLowerCase())
    // Skip the rest of a value (a qualified name, a number in several tokens) up to the next option.
    while (i < tokens.length && tokens[i]!.value !== ',' && tokens[i]!.value !== ')') i++
    if (tokens[i]?.value === ',') i++
  }
  return options
}

/** defGetBoolean: false, off and 0 are false (true, on and 1 true; anything else is an error). */
function isFalse(value: string | undefined): boolean {
  return value === 'false' || value === 'off' || value === '0'
}

/** The tokens after the top-level WITH of a statement, as options. */
function withOptions(tokens: Token[]): Map<string, string> {
  const at = tokens.findIndex((t, i) => isWord(t, 'with') && tokens[i + 1]?.value === '(')
  return at < 0 ? new Map() : optionsAt(tokens, at + 1)
}

/** Statements longer than this many tokens are none of the short forms read below. */
const SHORT = 24

/**
 * The command PostgreSQL refuses to run inside a transaction block that `statement` is
 * ("CREATE INDEX CONCURRENTLY", "VACUUM", ...), or undefined.
 * @param statement one statement as the splitter returns it (starting at its first token)
 * @param context what earlier statements of the same file did (slot-less subscriptions)
 * @example
 * outsideTransactionCommand('create index concurrently i on t (x)') // 'CREATE INDEX CONCURRENTLY'
 * outsideTransactionCommand('create index concurrently_idx on t (x)') // undefined
 */
export function outsideTransactionCommand(statement: string, context = newOutsideTransactionContext()): string | undefined {
  if (!isIdentStart(statement.charCodeAt(0))) return undefined
  const first = statement.slice(0, 12).toLowerCase()
  // Most statements start with none of these words: no tokens needed.
  if (!/^(alter|cluster|create|discard|drop|reindex|vacuum)\b/.test(first)) return undefined
  // Four tokens decide most statements (CREATE TABLE, ALTER TABLE ... ADD, CREATE INDEX name);
  // only the forms read further below scan on.
  let t = tokensOf(statement, 4)
  const [a, b, c] = [t[0]?.value, t[1]?.kind === 'word' ? t[1].value : '', t[2]?.kind === 'word' ? t[2].value : '']
  if (a === 'cluster' || a === 'reindex' || (a === 'alter' && b === 'database') || (a === 'drop' && b === 'subscription')) t = tokensOf(statement, SHORT + 1)
  switch (a) {
    case 'vacuum':
      return 'VACUUM'
    case 'discard':
      return b === 'all' ? 'DISCARD ALL' : undefined
    case 'cluster': {
      // CLUSTER [VERBOSE] [( options )] without a table: every table, each in its own transaction.
      let i = 1
      if (isWord(t[i], 'verbose')) i++
      if (t[i]?.value === '(') while (i < t.length && t[i++]!.value !== ')');
      return i >= t.length ? 'CLUSTER' : undefined
    }
    case 'reindex':
      return reindex(t)
    case 'create':
      if (b === 'database') return 'CREATE DATABASE'
      if (b === 'tablespace') return 'CREATE TABLESPACE'
      if (b === 'subscription') return createSubscription(tokensOf(statement, Infinity), context)
      if ((b === 'index' && c === 'concurrently') || (b === 'unique' && c === 'index' && isWord(t[3], 'concurrently'))) return 'CREATE INDEX CONCURRENTLY'
      return undefined
    case 'drop':
      if (b === 'database') return 'DROP DATABASE'
      if (b === 'tablespace') return 'DROP TABLESPACE'
      if (b === 'index' && c === 'concurrently') return 'DROP INDEX CONCURRENTLY'
      if (b === 'subscription') {
        const name = nameOf(isWord(t[2], 'if') && isWord(t[3], 'exists') ? t[4] : t[2])
        return name !== undefined && context.slotless.has(name) ? undefined : 'DROP SUBSCRIPTION'
      }
      return undefined
    case 'alter':
      if (b === 'system') return 'ALTER SYSTEM'
      if (b === 'database') {
        // ALTER DATABASE name SET TABLESPACE new moves it; SET tablespace = x would be a setting.
        const next = t[5]?.value
        return isWord(t[3], 'set') && isWord(t[4], 'tablespace') && next !== '=' && next !== 'to' && next !== undefined ? 'ALTER DATABASE SET TABLESPACE' : undefined
      }
      if (b === 'subscription') return alterSubscription(tokensOf(statement, Infinity), context)
      // ALTER TABLE [IF EXISTS] [ONLY] name [*] DETACH PARTITION name CONCURRENTLY: the text
      // ends with that word (the statement ends at its last token) before any token is read.
      if (b === 'table' && statement.slice(-12).toLowerCase() === 'concurrently') {
        t = tokensOf(statement, SHORT + 1)
        if (t.length <= SHORT && isWord(t[t.length - 1], 'concurrently')) {
          for (let i = 3; i < t.length - 2; i++) if (isWord(t[i], 'detach') && isWord(t[i + 1], 'partition')) return 'ALTER TABLE ... DETACH CONCURRENTLY'
        }
      }
      return undefined
    default:
      return undefined
  }
}

/** REINDEX [( options )] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] [name]. */
function reindex(t: Token[]): string | undefined {
  let i = 1
  let concurrently = false
  if (t[i]?.value === '(') {
    const options = optionsAt(t, i)
    concurrently = options.has('concurrently') && !isFalse(options.get('concurrently'))
    while (i < t.length && t[i++]!.value !== ')');
  }
  const kind = t[i]?.kind === 'word' ? t[i]!.value : ''
  // CONCURRENTLY is a type_func_name_keyword: never the (unquoted) name that may follow.
  if (isWord(t[i + 1], 'concurrently')) concurrently = true
  if (concurrently) return 'REINDEX CONCURRENTLY'
  if (kind === 'schema' || kind === 'database' || kind === 'system') return `REINDEX ${kind.toUpperCase()}`
  return undefined
}

/**
 * CREATE SUBSCRIPTION makes a replication slot on the publisher (not transactional) unless
 * WITH (create_slot = false), or connect = false, which implies it.
 */
function createSubscription(t: Token[], context: OutsideTransactionContext): string | undefined {
  const options = withOptions(t)
  const name = nameOf(t[2])
  if (name !== undefined && options.get('slot_name') === 'none') context.slotless.add(name)
  const createSlot = options.has('create_slot') ? !isFalse(options.get('create_slot')) : !isFalse(options.get('connect'))
  return createSlot ? 'CREATE SUBSCRIPTION ... WITH (create_slot = true)' : undefined
}

/**
 * ALTER SUBSCRIPTION name REFRESH PUBLICATION, and SET/ADD/DROP PUBLICATION unless
 * WITH (refresh = false), change the publisher's state; SET (slot_name = NONE) makes a later
 * DROP SUBSCRIPTION transactional; SET (failover = ...) (PostgreSQL 17) alters the slot.
 */
function alterSubscription(t: Token[], context: OutsideTransactionContext): string | undefined {
  const name = nameOf(t[2])
  const action = t[3]?.kind === 'word' ? t[3].value : ''
  if (action === 'refresh' && isWord(t[4], 'publication')) return 'ALTER SUBSCRIPTION ... REFRESH'
  if ((action === 'set' || action === 'add' || action === 'drop') && isWord(t[4], 'publication')) {
    return isFalse(withOptions(t).get('refresh')) ? undefined : 'ALTER SUBSCRIPTION with refresh'
  }
  if (action === 'set' && t[4]?.value === '(') {
    const options = optionsAt(t, 4)
    if (name !== undefined && options.get('slot_name') === 'none') context.slotless.add(name)
    if (options.has('failover')) return 'ALTER SUBSCRIPTION ... SET (failover)'
  }
  return undefined
}

/**
 * The index name a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...` gives (as
 * the server folds it), '' when it gives none (the server then makes one up), or undefined when
 * the statement is no such CREATE INDEX. A failed one leaves an INVALID index behind.
 */
export function concurrentIndexName(statement: string): string | undefined {
  if (outsideTransactionCommand(statement) !== 'CREATE INDEX CONCURRENTLY') return undefined
  const t = tokensOf(statement, 9)
  let i = isWord(t[1], 'unique') ? 4 : 3
  if (isWord(t[i], 'if') && isWord(t[i + 1], 'not') && isWord(t[i + 2], 'exists')) i += 3
  return isWord(t[i], 'on') ? '' : nameOf(t[i]) ?? ''
}
