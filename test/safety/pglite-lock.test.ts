/**
 * One `pglite:<dir>` data directory, several processes (issue 13, case 3): PGlite is one
 * process's embedded database, so a lock file beside the directory lets one process open it at a
 * time. Concurrent upgrades wait for each other (each migration applied once, nothing lost), a
 * lock left by a killed process is taken over, and --lock-timeout gives up with exit 4.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import process from 'node:process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/db/open.ts'
import { lockPgliteDir, pgliteLockPath } from '../../src/db/pglite-lock.ts'
import { exampleProject, REPO } from '../helpers/cli.ts'
import { pgliteTemplate } from '../helpers/targets.ts'
import { sleep, type Spawned, start, waitFor } from './helpers.ts'

const N = 12
const REVISIONS = ['1a2b3c4d5e6f', '7c8d9e0f1a2b', '3f2a9c1b7d4e']
const WAITING = /Waiting for the embedded database held by pid (\d+)/

/** An initialised, empty data directory in the project folder (a copy of the run's template: no initdb per test). */
async function dataDirIn(projectDir: string): Promise<string> {
  const dir = join(projectDir, 'pgdata')
  cpSync(await pgliteTemplate(), dir, { recursive: true })
  return dir
}

/** A Node process that opens the data directory through the library and keeps it open until killed. */
function startHolder(projectDir: string, dataDir: string): Spawned {
  const openUrl = pathToFileURL(join(REPO, 'dist', 'src', 'db', 'open.js')).href
  const script = join(projectDir, 'holder.mjs')
  writeFileSync(script, `import process from 'node:process'
import { openDatabase } from ${JSON.stringify(openUrl)}
await openDatabase(${JSON.stringify(`pglite:${dataDir}`)})
process.stdout.write('ready\\n')
setInterval(() => {}, 60_000)
`)
  return start([], projectDir, {}, script, 60_000)
}

/** Waits until the holder has the directory open (it says "ready"). */
async function ready(holder: Spawned): Promise<number> {
  let out = ''
  holder.child.stdout!.on('data', (d) => (out += d))
  await waitFor('the holder to open the data directory', () => out.includes('ready') || holder.child.exitCode !== null, 30_000)
  assert.is(holder.child.exitCode, null, `the holder exited: ${holder.stderr()}`)
  return holder.child.pid!
}

test(`${N} concurrent "sqlmig upgrade" on one pglite: directory: all exit 0, each migration applied once, every table present`, async () => {
  const p = exampleProject()
  const dataDir = await dataDirIn(p.dir)
  try {
    const runs = await Promise.all(Array.from({ length: N }, () => start(['upgrade', '--json', '--url', `pglite:${dataDir}`], p.dir).done))
    for (const r of runs) assert.is(r.code, 0, `${r.stdout}${r.stderr}`)
    const steps = runs.flatMap((r) => (JSON.parse(r.stdout) as { steps: { revision: string }[] }).steps.map((s) => s.revision))
    assert.equal(steps.sort(), [...REVISIONS].sort(), 'the runs applied each migration exactly once between them')
    assert.ok(runs.some((r) => WAITING.test(r.stderr)), 'some run waited for another')
    assert.not.ok(existsSync(pgliteLockPath(dataDir)), 'the lock file is gone after the last run')
    const db = await openDatabase(`pglite:${dataDir}`)
    try {
      const rows = await db.query<{ revision: string }>('select revision from sqlmig_version order by applied_order')
      assert.equal(rows.map((r) => r.revision), REVISIONS, 'the version table lists each revision once, in order')
      const tables = await db.query<{ t: string }>(`select tablename as t from pg_catalog.pg_tables where schemaname = 'public' order by 1`)
      assert.equal(tables.map((r) => r.t), ['posts', 'sqlmig_version', 'users'])
      const fn = await db.query<{ n: number }>(`select count(*)::int as n from pg_catalog.pg_proc where proname = 'touch_updated_at'`)
      assert.is(fn[0]?.n, 1, 'the last migration\'s function is there')
    } finally {
      await db.close()
    }
  } finally {
    p.cleanup()
  }
})

test('a held directory and --lock-timeout 1s: exit 4, the waiter names the holder\'s pid, host and start time', async () => {
  const p = exampleProject()
  const dataDir = await dataDirIn(p.dir)
  const holder = startHolder(p.dir, dataDir)
  try {
    const pid = await ready(holder)
    const lock = JSON.parse(readFileSync(pgliteLockPath(dataDir), 'utf8')) as { pid: number; host: string; started: string }
    assert.is(lock.pid, pid, 'the lock file names the holder')
    const began = Date.now()
    const r = await start(['upgrade', '--url', `pglite:${dataDir}`, '--lock-timeout', '1s'], p.dir).done
    const took = Date.now() - began
    assert.is(r.code, 4, `${r.stdout}${r.stderr}`)
    assert.is(r.stdout, '')
    assert.is(r.stderr.match(new RegExp(WAITING.source, 'g'))?.length, 1, `the wait is said once: ${r.stderr}`)
    assert.is(WAITING.exec(r.stderr)?.[1], String(pid))
    assert.ok(r.stderr.includes(`error: Cannot open the embedded database at "${dataDir}": waited 1s, and pid ${pid} on host "${lock.host}" since ${lock.started} still holds it`), r.stderr)
    assert.ok(took >= 1000, `gave up after ${took} ms`)
    assert.is(holder.child.exitCode, null, 'the holder is untouched')
  } finally {
    holder.child.kill('SIGKILL')
    await holder.done
    p.cleanup()
  }
})

test('a holder killed with SIGKILL leaves a stale lock: the next "sqlmig upgrade" takes it over and exits 0', async () => {
  const p = exampleProject()
  const dataDir = await dataDirIn(p.dir)
  const holder = startHolder(p.dir, dataDir)
  try {
    const pid = await ready(holder)
    const blocked = await start(['upgrade', '--url', `pglite:${dataDir}`, '--lock-timeout', '300ms'], p.dir).done
    assert.is(blocked.code, 4, `while the holder lives the directory is held: ${blocked.stdout}${blocked.stderr}`)
    holder.child.kill('SIGKILL')
    const done = await holder.done
    assert.is(done.signal, 'SIGKILL')
    const lock = JSON.parse(readFileSync(pgliteLockPath(dataDir), 'utf8')) as { pid: number }
    assert.is(lock.pid, pid, 'the killed holder left its lock file')
    const r = await start(['upgrade', '--url', `pglite:${dataDir}`, '--lock-timeout', '10s'], p.dir).done
    assert.is(r.code, 0, `${r.stdout}${r.stderr}`)
    assert.not.match(r.stderr, WAITING, 'a dead holder is not waited for')
    assert.match(r.stdout, 'Upgraded to 3f2a9c1b7d4e (3 migrations')
    assert.not.ok(existsSync(pgliteLockPath(dataDir)), 'the lock file is removed at the end')
  } finally {
    holder.child.kill('SIGKILL')
    await holder.done
    p.cleanup()
  }
})

test('a stale lock (its pid gone) and 8 waiters at once: it is broken once and they take the directory in turn, never two together', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sqlmig-lock-'))
  try {
    const dataDir = join(tmp, 'pgdata')
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const deadPid = Number(gone.stdout)
    writeFileSync(pgliteLockPath(dataDir), JSON.stringify({ pid: deadPid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }))
    let inside = 0
    let most = 0
    const waitedFor: (number | undefined)[] = []
    await Promise.all(Array.from({ length: 8 }, async () => {
      const lock = await lockPgliteDir(dataDir, { pollMs: 10, timeoutMs: 20_000, onWait: (h) => waitedFor.push(h?.pid) })
      inside += 1
      most = Math.max(most, inside)
      await sleep(20)
      inside -= 1
      lock.release()
    }))
    assert.is(most, 1, 'one holder at a time')
    assert.not.ok(waitedFor.includes(deadPid), 'nobody waited for the dead pid')
    assert.not.ok(existsSync(pgliteLockPath(dataDir)), 'the last holder removed the lock')
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})

test('pglite:memory takes no lock', async () => {
  const db = await openDatabase('pglite:memory')
  try {
    assert.not.ok(existsSync(pgliteLockPath('memory')))
  } finally {
    await db.close()
  }
})

test.run()
