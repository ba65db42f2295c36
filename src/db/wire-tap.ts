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

export class WireTap {
  readonly #header = new Uint8Array(5)
  #have = 0
  #skip = 0
  /** Statements completed since the last ReadyForQuery (the current query's). */
  #completed = 0
  /** For each ErrorResponse since the last reset, the statements of its query completed before it. */
  #errors: number[] = []

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
    else if (type === ERROR_RESPONSE) this.#errors.push(this.#completed)
    else if (type === READY_FOR_QUERY) this.#completed = 0
  }

  /** A new connection: its bytes start at a message boundary. */
  restart(): void {
    this.#have = 0
    this.#skip = 0
    this.#completed = 0
    this.#errors = []
  }

  /** Forgets earlier errors: call before sending a batch that nothing else shares the connection with. */
  reset(): void {
    this.#errors = []
  }

  /**
   * For the `nth` ErrorResponse since reset() (0: the first), the number of statements of its
   * query that completed before it: the failing statement's index within that query.
   */
  completedBeforeError(nth: number): number | undefined {
    return this.#errors[nth]
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
  return {
    tap,
    open: () => {
      const socket = path !== undefined ? netConnect(path) : netConnect(port!, host!)
      tap.restart()
      socket.on('data', tap.feed)
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
