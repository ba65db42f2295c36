/**
 * The lock works through a transaction-mode pooler: a real PgBouncer (Debian package
 * `pgbouncer`), started here on a free loopback port with pool_mode = transaction in front of
 * the server, and 12 concurrent upgrades through it. Each migration must run exactly once even
 * though consecutive transactions of one client land on different server connections.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, SERVER_URL, serverAvailable } from '../helpers/targets.ts'
import { appliedIn, connect, start, tablesIn, waitFor } from './helpers.ts'

const N = 12

function findPgbouncer(): string | undefined {
  for (const p of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer']) if (existsSync(p)) return p
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : undefined
}

/** The pgbouncer binary; installs the Debian package when missing and we may (root, apt-get). */
function pgbouncerBinary(): string | undefined {
  let bin = findPgbouncer()
  if (!bin && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    spawnSync('apt-get', ['install', '-y', 'pgbouncer'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    bin = findPgbouncer()
  }
  return bin
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

interface Bouncer {
  port: number
  stop(): void
}

/** Starts PgBouncer in the foreground (as the postgres user when we are root: it refuses root). */
async function startBouncer(bin: string): Promise<Bouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-pgbouncer-'))
  const server = new URL(SERVER_URL)
  const port = await freePort()
  const user = decodeURIComponent(server.username) || 'postgres'
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`)
  writeFileSync(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    // Fewer server connections than clients: transactions of one client hop between them.
    'default_pool_size = 4',
    'max_client_conn = 100',
    'ignore_startup_parameters = extra_float_digits',
    '',
  ].join('\n'))
  chmodSync(dir, 0o755)
  const asRoot = process.getuid?.() === 0
  const args = asRoot ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')]
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr!.on('data', (d) => (log += d))
  const stop = () => {
    child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor('pgbouncer to listen', async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${log}`)
      const r = spawnSync('psql', [`postgres://${user}@127.0.0.1:${port}/postgres`, '-Atc', 'select 1'], { encoding: 'utf8' })
      return r.stdout.trim() === '1'
    }, 20_000)
  } catch (error) {
    stop()
    throw error
  }
  return { port, stop }
}

const SPECS = chain([
  { revision: 'j0000000001', up: 'create table applied_log (rev text not null);\ninsert into applied_log values (\'j0000000001\');', down: 'drop table applied_log;' },
  { revision: 'j0000000002', upHeader: '-- lock_timeout: 2s\n-- statement_timeout: 10s', up: 'select pg_sleep(0.5);\ncreate table t2 (id int);\ninsert into applied_log values (\'j0000000002\');', down: 'drop table t2;' },
  { revision: 'j0000000003', up: 'create table t3 (id int);\ninsert into applied_log values (\'j0000000003\');', down: 'drop table t3;' },
  { revision: 'j0000000004', up: 'create table t4 (id int);\ninsert into applied_log values (\'j0000000004\');', down: 'drop table t4;' },
])
const IDS = SPECS.map((s) => s.revision)

if (await serverAvailable()) {
  const bin = pgbouncerBinary()
  if (!bin && process.env.CI === 'true') throw new Error('CI=true but pgbouncer is not installed and could not be installed (apt-get install -y pgbouncer)')
  if (!bin) console.log('skipping the PgBouncer tests: pgbouncer is not installed (apt-get install -y pgbouncer)')
  else {
    for (const mode of ['all', 'per-migration'] as const) {
      test(`${N} concurrent upgrades through PgBouncer (pool_mode = transaction, --transaction ${mode}): each migration once`, async () => {
        const bouncer = await startBouncer(bin)
        const p = tempProject(migrationFiles(SPECS))
        const t = await newTarget('postgres')
        const viaBouncer = new URL(t.url)
        viaBouncer.port = String(bouncer.port)
        const sql = connect(t.url)
        try {
          const runs = await Promise.all(Array.from({ length: N }, () =>
            start(['upgrade', '--json', '--transaction', mode], p.dir, { DATABASE_URL: viaBouncer.toString() }, undefined, 90_000).done))
          for (const r of runs) assert.is(r.code, 0, r.stderr)
          assert.equal(runs.flatMap((r) => JSON.parse(r.stdout).steps.map((s: { revision: string }) => s.revision)).sort(), IDS)
          const log = await sql`select rev from applied_log order by rev`
          assert.equal(log.map((r) => r.rev), IDS, 'each migration ran exactly once')
          assert.equal(await appliedIn(sql), IDS)
          assert.equal(await tablesIn(sql), ['applied_log', 'sqlmig_version', 't2', 't3', 't4'])
          // SET LOCAL kept the header's timeouts inside their transaction: pooled server
          // connections show the defaults again.
          const pooled = connect(viaBouncer.toString())
          try {
            for (let i = 0; i < 6; i++) {
              const [row] = await pooled.unsafe(`select current_setting('lock_timeout') as l, current_setting('statement_timeout') as s`)
              assert.equal([row!.l, row!.s], ['0', '0'])
            }
          } finally {
            await pooled.end()
          }
        } finally {
          await sql.end()
          bouncer.stop()
          p.cleanup()
          await t.cleanup()
        }
      })
    }
  }
}

test.run()
