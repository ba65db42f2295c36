/**
 * Connections as users configure them (issue 13, case 6): a host that never answers ends in a
 * bounded time with an error naming host, port and timeout (from --connect-timeout, the URL's
 * connect_timeout, PGCONNECT_TIMEOUT, or the 10 s default), the "Using database" line comes
 * before the wait, and every URL form libpq accepts works or is a typed error, never a stack trace.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import postgres from 'postgres'
import { exampleProject, runCli } from '../helpers/cli.ts'
import { adminExec, SERVER_URL, serverAvailable, uniqueName } from '../helpers/targets.ts'

/** A TCP port that accepts connections and never says a word (a stalled server or proxy). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = []
  const server: Server = createServer((s) => void sockets.push(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { port, close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()) }) }
}

// A child that is still running after this long has hung: run() kills it and reports code null.
const HANG_MS = 30_000

test('a server that never answers: --connect-timeout, connect_timeout in the URL, PGCONNECT_TIMEOUT and the default each end the attempt with exit 1', async () => {
  const silent = await silentServer()
  const p = exampleProject()
  try {
    const url = `postgres://postgres@127.0.0.1:${silent.port}/app`
    const cases: { name: string; args: string[]; env?: Record<string, string>; seconds: number; command: string }[] = [
      { name: '--connect-timeout', command: 'current', args: ['--url', url, '--connect-timeout', '2'], seconds: 2 },
      { name: '--connect-timeout with a unit', command: 'upgrade', args: ['--url', url, '--connect-timeout', '3s'], seconds: 3 },
      { name: 'connect_timeout in the URL', command: 'upgrade', args: ['--url', `${url}?connect_timeout=2`], seconds: 2 },
      // libpq's order: the URL's connect_timeout wins over PGCONNECT_TIMEOUT.
      { name: 'URL over PGCONNECT_TIMEOUT', command: 'current', args: ['--url', `${url}?connect_timeout=2`], env: { PGCONNECT_TIMEOUT: '4' }, seconds: 2 },
      { name: 'PGCONNECT_TIMEOUT', command: 'current', args: ['--url', url], env: { PGCONNECT_TIMEOUT: '3' }, seconds: 3 },
      { name: 'the default', command: 'upgrade', args: [], env: { DATABASE_URL: url }, seconds: 10 },
    ]
    const runs = await Promise.all(cases.map((c) => runCli([c.command, ...c.args], p.dir, c.env ?? {}, HANG_MS)))
    cases.forEach((c, i) => {
      const r = runs[i]!
      assert.is(r.code, 1, `${c.name}: ended with ${r.code} (null: hung and was killed)\n${r.stderr}`)
      const lines = r.stderr.split('\n')
      assert.match(lines[0]!, /^Using database postgres:\/\/postgres@127\.0\.0\.1:\d+\/app/, `${c.name}: the database is named before the wait`)
      assert.is(
        lines[1],
        `error: Cannot connect to PostgreSQL at 127.0.0.1:${silent.port}, database "app": no answer within ${c.seconds} s (connect timeout)`,
        c.name,
      )
      assert.match(lines[2]!, 'hint: Check that the host and port are right and reachable from here')
      assert.not.match(r.stderr, /\n\s+at /, `${c.name}: no stack trace`)
    })
  } finally {
    p.cleanup()
    await silent.close()
  }
})

test('a firewalled address (packets dropped) fails within the timeout, naming host and port', async () => {
  const p = exampleProject()
  try {
    const r = await runCli(['current', '--url', 'postgres://postgres@10.255.255.1/app', '--connect-timeout', '2'], p.dir, {}, HANG_MS)
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, /^Using database postgres:\/\/postgres@10\.255\.255\.1\/app \(from --url\)\n/)
    // Dropped packets time out; a network that rejects the route at once is a connection error too.
    assert.match(r.stderr, 'error: Cannot connect to PostgreSQL at 10.255.255.1:5432, database "app": ')
    assert.not.match(r.stderr, /\n\s+at /)
  } finally {
    p.cleanup()
  }
})

test('an invalid --connect-timeout or PGCONNECT_TIMEOUT is a usage error (exit 2)', async () => {
  const p = exampleProject()
  try {
    const flag = await runCli(['current', '--url', 'postgres://postgres@127.0.0.1/app', '--connect-timeout', 'soon'], p.dir)
    assert.is(flag.code, 2, flag.stderr)
    assert.match(flag.stderr, 'error: Invalid connect timeout "soon" (--connect-timeout)')
    const env = await runCli(['current', '--url', 'postgres://postgres@127.0.0.1/app'], p.dir, { PGCONNECT_TIMEOUT: '-1' })
    assert.is(env.code, 2, env.stderr)
    assert.match(env.stderr, 'error: Invalid connect timeout "-1" (PGCONNECT_TIMEOUT)')
  } finally {
    p.cleanup()
  }
})

test('every URL form libpq accepts reaches the server: ?host=, socket directories, percent-encoding, sslmode, options', async () => {
  if (!(await serverAvailable())) return
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} })
  const [row] = await admin<{ dirs: string }[]>`select current_setting('unix_socket_directories') as dirs`
  await admin.end({ timeout: 1 })
  const socketDir = row!.dirs.split(',')[0]!.trim()
  const server = new URL(SERVER_URL)
  const name = uniqueName('sqlmig_urls')
  const role = uniqueName('sqlmig_url_role')
  const password = 'p@ss:w/rd#?&%1'
  await adminExec(`create database ${name}`)
  await adminExec(`create role ${role} login password '${password}'; grant all on database ${name} to ${role}; alter database ${name} owner to ${role}`)
  const p = exampleProject()
  try {
    const host = server.hostname
    const port = server.port || '5432'
    const forms = [
      `postgres://postgres@/${name}?host=${host}&port=${port}`,
      `postgresql://postgres@/${name}?host=${encodeURIComponent(socketDir)}&port=${port}`,
      `postgresql://${encodeURIComponent(socketDir)}:${port}/${name}?user=postgres`,
      `postgres://${role}:${encodeURIComponent(password)}@${host}:${port}/${name}`,
      `postgres://postgres@${host}:${port}/${name}?sslmode=disable`,
      `postgres://postgres@${host}:${port}/${name}?sslmode=prefer&application_name=deploy`,
      `postgres://postgres@${host}:${port}/?dbname=${name}&options=${encodeURIComponent('-c search_path=public')}`,
    ]
    for (const url of forms) {
      const r = await runCli(['current', '--url', url], p.dir)
      assert.is(r.code, 0, `${url}\n${r.stderr}`)
      assert.is(r.stdout, 'base (no migrations applied)\n', url)
      assert.not.match(r.stderr, password, 'the password is never printed')
    }
    // A real run through the socket directory, then pg_dump (backup) through it too.
    const socketUrl = `postgresql://postgres@/${name}?host=${encodeURIComponent(socketDir)}&port=${port}`
    const up = await runCli(['upgrade', '--url', socketUrl], p.dir)
    assert.is(up.code, 0, up.stderr)
    const check = postgres(`${SERVER_URL.replace(/\/[^/]*$/, '')}/${name}`, { max: 1, onnotice: () => {} })
    const [counted] = await check<{ n: string }[]>`select count(*)::text as n from sqlmig_version`
    await check.end({ timeout: 1 })
    assert.ok(Number(counted!.n) > 0, 'the socket URL ran the migrations')
    const backup = await runCli(['backup', 'backups', '--url', socketUrl], p.dir)
    assert.is(backup.code, 0, backup.stderr)
  } finally {
    p.cleanup()
    await adminExec(`drop database if exists ${name} with (force)`)
    await adminExec(`drop role if exists ${role}`)
  }
})

test('URLs libpq would refuse, and sslmode=require on a server without SSL, are typed errors without a stack trace', async () => {
  const p = exampleProject()
  try {
    const refused: [string, string][] = [
      ['postgres://postgres@127.0.0.1/app?foo=bar', '"foo" is not a connection parameter'],
      ['postgres://postgres@127.0.0.1:notaport/app', '"notaport" is not a port number'],
      ['postgres://postgres@127.0.0.1/app?sslmode=sometimes', 'Invalid sslmode "sometimes"'],
      ['postgres://postgres:%zz@127.0.0.1/app', 'is not valid percent-encoding'],
      ['postgres://postgres@127.0.0.1/app?service=prod', 'sqlmig does not support the connection parameter "service"'],
      ['postgres://postgres@127.0.0.1/app?sslmode=verify-full&sslrootcert=/nonexistent/root.crt', 'Cannot read sslrootcert=/nonexistent/root.crt from the database URL'],
    ]
    for (const [url, message] of refused) {
      const r = await runCli(['current', '--url', url], p.dir)
      assert.is(r.code, 2, `${url}\n${r.stderr}`)
      assert.match(r.stderr, message, url)
      assert.not.match(r.stderr, /\n\s+at /, url)
    }
    if (await serverAvailable()) {
      const server = new URL(SERVER_URL)
      const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} })
      const [setting] = await admin<{ ssl: string }[]>`select current_setting('ssl') as ssl`
      await admin.end({ timeout: 1 })
      if (setting!.ssl === 'off') {
        const r = await runCli(['current', '--url', `postgres://postgres@${server.host}/test?sslmode=require`], p.dir)
        assert.is(r.code, 1, r.stderr)
        assert.match(r.stderr, 'the SSL connection that sslmode=require asks for failed')
        assert.not.match(r.stderr, /\n\s+at /)
      }
    }
  } finally {
    p.cleanup()
  }
})

test.run()
