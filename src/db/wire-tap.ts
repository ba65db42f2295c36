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
