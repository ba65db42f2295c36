/**
 * postgres:// and postgresql:// URLs read as libpq reads them
 * (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS): an empty
 * host (`postgres://user@/db?host=/var/run/postgresql`), several hosts, percent-encoded parts
 * (`%2Fvar%2Frun%2Fpostgresql` as a socket directory, `p%40ss` as a password), and the query
 * parameters libpq knows, which override the parts before them. The WHATWG URL parser rejects
 * some of these forms and reads others differently, so this module is the one place a
 * connection URL is taken apart and put back together.
 */
import { UsageError } from '../errors.ts'
import { redactUrl } from '../redact.ts'

export interface PgUrl {
  /** Host names, addresses or socket directories (starting with "/"), in the order to try. */
  hosts: string[]
  /** One port per host (5432 where none is given). */
  ports: number[]
  user: string | undefined
  password: string | undefined
  database: string | undefined
  /** libpq parameters other than host, port, user, password and dbname (decoded). */
  params: Record<string, string>
}

/** Parameters libpq accepts in a URL (it refuses any other); those after `dbname` are kept in `params`. */
const LIBPQ_PARAMS = new Set([
  'host', 'hostaddr', 'port', 'user', 'password', 'dbname',
  'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'sslpassword', 'sslcompression', 'sslsni', 'requiressl', 'sslnegotiation',
  'connect_timeout', 'application_name', 'fallback_application_name', 'options', 'target_session_attrs', 'channel_binding',
  'gssencmode', 'krbsrvname', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'passfile', 'service', 'client_encoding', 'load_balance_hosts', 'require_auth', 'gsslib', 'gssdelegation', 'replication',
  'ssl_min_protocol_version', 'ssl_max_protocol_version', 'sslcertmode', 'requirepeer',
])

/**
 * Options postgres.js reads from a URL (an application's DATABASE_URL may carry them): accepted
 * and ignored, since sqlmig sets its own pool; `ssl=true|false` is read as sslmode.
 */
const DRIVER_PARAMS = new Set(['ssl', 'max', 'idle_timeout', 'max_lifetime', 'max_pipeline', 'backoff', 'keep_alive', 'prepare', 'fetch_types', 'debug', 'publications'])

/**
 * libpq parameters sqlmig cannot honour: connecting without them would reach another server or
 * skip a security setting, so they are refused rather than ignored.
 */
const UNSUPPORTED_PARAMS = new Set(['service', 'passfile', 'sslcrl', 'sslpassword', 'krbsrvname', 'gsslib', 'gssdelegation', 'requirepeer', 'require_auth', 'replication', 'sslcertmode', 'ssl_min_protocol_version', 'ssl_max_protocol_version'])

const URL_SHAPE = /^(postgres(?:ql)?):\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/i

function invalid(url: string, reason: string, hint = 'Use postgres://user:password@host:port/database?param=value (percent-encode @ : / # ? in the password)'): UsageError {
  return new UsageError(`Cannot use database URL "${redactUrl(url)}": ${reason}`, { hint })
}

function decode(url: string, part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw invalid(url, `"${part.includes(':') ? '***' : part}" is not valid percent-encoding`)
  }
}

/** True for the two URL schemes libpq accepts. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/** Takes a postgres:// URL apart; a typed UsageError (never a TypeError) when it is not one libpq would accept. */
export function parsePgUrl(url: string): PgUrl {
  const m = URL_SHAPE.exec(url)
  if (!m) throw invalid(url, 'it is not a postgres:// or postgresql:// URL')
  const [, , authority = '', path, query] = m
  const at = authority.lastIndexOf('@')
  const userinfo = at < 0 ? undefined : authority.slice(0, at)
  const hostspec = at < 0 ? authority : authority.slice(at + 1)
  let user: string | undefined
  let password: string | undefined
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    user = decode(url, colon < 0 ? userinfo : userinfo.slice(0, colon)) || undefined
    password = colon < 0 ? undefined : decode(url, userinfo.slice(colon + 1))
  }
  const hosts: string[] = []
  const ports: (number | undefined)[] = []
  if (hostspec !== '') {
    for (const one of hostspec.split(',')) {
      const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(one)!
      hosts.push(decode(url, hp[1]!.replace(/^\[(.*)\]$/, '$1')))
      ports.push(hp[2] === undefined || hp[2] === '' ? undefined : port(url, hp[2]))
    }
  }
  let database = path !== undefined && path !== '/' ? decode(url, path.slice(1)) : undefined
  const params: Record<string, string> = {}
  for (const pair of (query ?? '').split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    if (eq < 0) throw invalid(url, `the query parameter "${pair}" has no "=value"`)
    const key = decode(url, pair.slice(0, eq))
    const value = decode(url, pair.slice(eq + 1))
    if (DRIVER_PARAMS.has(key)) {
      if (key === 'ssl' && params.sslmode === undefined) params.sslmode = value === 'false' || value === 'disable' ? 'disable' : value === 'true' ? 'require' : value
      continue
    }
    if (!LIBPQ_PARAMS.has(key)) {
      throw invalid(url, `"${key}" is not a connection parameter`, 'Use a libpq parameter (sslmode, connect_timeout, application_name, options, ...); set server settings with options=-c%20name%3Dvalue')
    }
    if (UNSUPPORTED_PARAMS.has(key) || (key === 'gssencmode' && value === 'require')) {
      throw invalid(url, `sqlmig does not support the connection parameter "${key}"`, 'Give the connection in the URL itself (host, port, user, password, dbname, sslmode, sslrootcert, sslcert, sslkey)')
    }
    if (key === 'host' || key === 'hostaddr') {
      hosts.splice(0, hosts.length, ...value.split(','))
      if (ports.length !== 1 && ports.length !== hosts.length) ports.length = 0
    } else if (key === 'port') {
      ports.splice(0, ports.length, ...value.split(',').map((p) => port(url, p)))
    } else if (key === 'user') user = value
    else if (key === 'password') password = value
    else if (key === 'dbname') database = value
    else params[key] = value
  }
  if (ports.length > 1 && ports.length !== hosts.length) throw invalid(url, `it names ${hosts.length} hosts but ${ports.length} ports`)
  return {
    hosts,
    ports: hosts.map((_, i) => ports[ports.length === 1 ? 0 : i] ?? 5432),
    user,
    password,
    database,
    params,
  }
}

function port(url: string, text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw invalid(url, `"${text}" is not a port number`)
  return n
}

/** The same URL naming another database (every other part kept as written). */
export function withDatabaseName(url: string, database: string): string {
  parsePgUrl(url)
  const m = URL_SHAPE.exec(url)!
  const [, scheme, authority, , query] = m
  // A dbname parameter would override the path: drop it.
  const rest = (query ?? '').split('&').filter((p) => p !== '' && decode(url, p.split('=')[0]!) !== 'dbname')
  return `${scheme}://${authority}/${encodeURIComponent(database)}${rest.length ? `?${rest.join('&')}` : ''}`
}

/** Seconds of `connect_timeout` in the URL, if it sets one (0: wait forever, as libpq). */
export function urlConnectTimeout(url: string): number | undefined {
  if (!isPostgresUrl(url)) return undefined
  const value = parsePgUrl(url).params.connect_timeout
  return value === undefined ? undefined : parseConnectTimeout(value, `connect_timeout=${value} in the URL`)
}

/**
 * A connect timeout as libpq reads it: whole seconds ("10"), or with a unit ("10s", "500ms",
 * "1min") as sqlmig's other durations; 0 waits forever.
 */
export function parseConnectTimeout(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(text)
  if (!m) throw new UsageError(`Invalid connect timeout "${text}" (${where})`, { hint: 'Give seconds, e.g. 10, 10s or 500ms; 0 waits forever' })
  const n = Number(m[1])
  return m[2] === 'ms' ? n / 1000 : m[2] === 'min' ? n * 60 : n
}
