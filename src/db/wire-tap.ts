/**
 * A passive reader of the server's side of a PostgreSQL connection (protocol 3 framing: a type
 * byte and an int32 length per message), fed the same bytes as the driver. It answers one
 * question the driver cannot: when a simple query holding several statements fails, how many of
 * its statements had completed before the error. With that, the statements of a migration file
 * go to the server as ONE message (one reply to wait for instead of one per statement) and the
 * failing statement is still known exactly, even for an error without a position ("relation
 * already exists").
 *
 * Only for a plain (non-TLS) socket: under TLS these bytes are ciphertext.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
 */
import { connect as netConnect, type Socket } from 'node:net'
import process from 'node:process'

const COMMAND_COMPLETE = 0x43 // 'C'
const EMPTY_QUERY = 0x49 // 'I'
const ERROR_RESPONSE = 0x45 // 'E'
const READY_FOR_QUERY = 0x5a // 'Z'

/** Queries after which an error nobody asked about is forgotten. */
const FORGET_AFTER = 1000

export class WireTap {
  readonly #header = new Uint8Array(5)
  #have = 0
  #skip = 0
  /** Statements completed since the last ReadyForQuery (the current query's). */
  #completed = 0
  /** ReadyForQuery messages since the connection started: the index of the query now answered. */
  #ready = 0
  /** For each query that got an ErrorResponse (by its index, see `ready`), its statements completed before it. */
  #errors = new Map<number, number>()

  /** Bytes as they arrive from the server (attach before the driver's own 'data' listener). */
  readonly feed = (chunk: Uint8Array): void => {
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.#skip > 0) {
        const take = Math.min(this.#skip, n - i)
        this.#skip -= take
        i += take
        continue
      }
      this.#header[this.#have++] = chunk[i++]!
      if (this.#have === 5) {
        const h = this.#header
        this.#have = 0
        this.#skip = ((h[1]! << 24) | (h[2]! << 16) | (h[3]! << 8) | h[4]!) - 4
        this.#message(h[0]!)
      }
    }
  }

  #message(type: number): void {
    if (type === COMMAND_COMPLETE || type === EMPTY_QUERY) this.#completed++
    else if (type === ERROR_RESPONSE) {
      // A simple query stops at its first error: one per query (the first kept).
      if (!this.#errors.has(this.#ready)) this.#errors.set(this.#ready, this.#completed)
    } else if (type === READY_FOR_QUERY) {
      this.#completed = 0
      this.#ready++
    }
  }

  /** A new connection: its bytes start at a message boundary. */
  restart(): void {
    this.#have = 0
    this.#skip = 0
    this.#completed = 0
    this.#ready = 0
    this.#errors.clear()
  }

  /**
   * The index the next query sent will have, when every query sent so far has been answered
   * (postgres.js settles a query at its ReadyForQuery, and the tap reads each chunk before the
   * driver does): queries sent back to back then take the indexes after it, in order.
   */
  get ready(): number {
    return this.#ready
  }

  /**
   * For the query of index `query` (see `ready`), the number of its statements that completed
   * before its ErrorResponse: the failing statement's index within that query. Forgets it, and
   * the errors of queries long before it that nobody asked about (messages in flight together
   * may be asked about in any order).
   */
  completedBeforeError(query: number): number | undefined {
    const completed = this.#errors.get(query)
    this.#errors.delete(query)
    for (const k of this.#errors.keys()) if (k < query - FORGET_AFTER) this.#errors.delete(k)
    return completed
  }
}

/** The driver options that decide whether a connection can be tapped (postgres.ts's driverOptions). */
export interface TapDriverOptions {
  ssl?: unknown
  target_session_attrs?: unknown
  path?: string
  host?: string[]
  port?: number[]
}

/**
 * A plain TCP or Unix socket to the one server the URL names, with a WireTap reading what the
 * server sends (statement-batches.ts: a file's statements in one message); sslmode=disable is
 * plain too. Not for TLS (the tap
 * would read ciphertext), several hosts or target_session_attrs (postgres.js picks the host
 * there): those keep one message per statement.
 */
export function tappedSocket(driver: TapDriverOptions): { tap: WireTap; open: () => Socket } | undefined {
  if (('ssl' in driver && driver.ssl !== false) || 'target_session_attrs' in driver || process.env.PGTARGETSESSIONATTRS) return undefined
  const path = 'path' in driver ? driver.path : undefined
  const host = 'host' in driver && driver.host?.length === 1 ? driver.host[0]! : undefined
  const port = 'port' in driver && driver.port?.length === 1 ? driver.port[0]! : undefined
  if (path === undefined && (host === undefined || port === undefined)) return undefined
  const tap = new WireTap()
  /** The socket the tap reads: the last one the server sent anything on. */
  let reading: Socket | undefined
  return {
    tap,
    open: () => {
      const socket = path !== undefined ? netConnect(path) : netConnect(port!, host!)
      // The driver opens a socket of its own for each CancelRequest too; the server answers
      // nothing there, so only a socket that receives bytes (the session's) restarts the tap.
      socket.on('data', (chunk: Uint8Array) => {
        if (reading !== socket) {
          reading = socket
          tap.restart()
        }
        tap.feed(chunk)
      })
      return socket
    },
  }
}

/**
 * The rows of each row-returning statement of a simple query's result: postgres.js gives one
 * Result per statement that sent a row description (statements without rows fold into the one
 * before), so the SELECTs are the Results whose command is SELECT.
 */
export function selectRows(result: unknown): unknown[][] {
  // One statement's Result carries its command; several come as a plain array of Results.
  const all = ((result as { command?: unknown }).command !== undefined ? [result] : result) as { command?: string }[]
  return all.filter((r) => r.command === 'SELECT').map((r) => [...(r as unknown as unknown[])])
}
