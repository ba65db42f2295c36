/**
 * The lock on a PGlite data directory: PGlite is one process's embedded database, and two
 * processes with the same directory open overwrite each other's files (a committed upgrade is
 * lost). A file beside the directory, `<dir>.sqlmig-lock`, names the holder (pid, host, start
 * time as JSON); it is created atomically (open with "wx"), removed on close and, best effort,
 * at process exit. A lock left by a process that died (same host, pid gone) is taken over.
 * Waiters poll, say once who holds it, and give up after the lock timeout when one is given.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { LockTimeoutError } from '../errors.ts'
import { sleep } from '../sleep.ts'

/** Who holds a data directory: what the lock file says. */
export interface PgliteLockHolder {
  pid: number
  host: string
  /** ISO time the holder took the lock. */
  started: string
}

export interface PgliteLockOptions {
  /** Give up after this many milliseconds; undefined waits forever. */
  timeoutMs?: number | undefined
  /** Called once, when the lock is found held, with its holder (undefined while unreadable). */
  onWait?: ((holder: PgliteLockHolder | undefined) => void) | undefined
  /** Stops waiting (rejects with the abort reason) once aborted. */
  signal?: AbortSignal | undefined
  /** Milliseconds between tries (default 150). */
  pollMs?: number | undefined
}

/** A held lock: `path` is the lock file; `release` removes it (idempotent). */
export interface PgliteLock {
  path: string
  holder: PgliteLockHolder
  release: () => void
}

/** The lock file of a data directory (beside it, so that PGlite's own directory stays untouched). */
export function pgliteLockPath(dataDir: string): string {
  const abs = resolve(dataDir)
  return join(dirname(abs), `${basename(abs)}.sqlmig-lock`)
}

/** Locks this process holds, removed at exit if nobody released them. */
const held = new Set<string>()
let exitHook = false

function removeHeldAtExit(): void {
  for (const path of held) {
    try {
      unlinkSync(path)
    } catch {
      // Gone already.
    }
  }
  held.clear()
}

function readHolder(path: string): PgliteLockHolder | undefined | 'missing' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as { code?: string } | undefined)?.code === 'ENOENT') return 'missing'
    return undefined
  }
  try {
    const h = JSON.parse(text) as Partial<PgliteLockHolder>
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.started === 'string') return { pid: h.pid, host: h.host, started: h.started }
  } catch {
    // Being written, or damaged.
  }
  return undefined
}

/** False only when the pid is certainly gone on this host (ESRCH); a pid we may not signal is alive. */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string } | undefined)?.code !== 'ESRCH'
  }
}

/** True when the lock at `path` was left by a process that is gone. */
function isStale(path: string, holder: PgliteLockHolder | undefined): boolean {
  if (holder) return holder.host === hostname() && !isAlive(holder.pid)
  // Unreadable: a holder killed between creating the file and writing it. Give a writer time.
  try {
    return Date.now() - statSync(path).mtimeMs > 5_000
  } catch {
    return false
  }
}

function tryCreate(path: string, holder: PgliteLockHolder): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch (error) {
    if ((error as { code?: string } | undefined)?.code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

/**
 * Removes a stale lock, once (false: another waiter is at it): under a second lock file (`<lock>.break`, created with "wx") the
 * lock is read again and moved away only if it is still the stale one, so that two waiters
 * breaking it at once never remove the lock the quicker one has just taken.
 */
function breakStale(path: string, stale: PgliteLockHolder | undefined): boolean {
  const guard = `${path}.break`
  if (!tryCreate(guard, { pid: process.pid, host: hostname(), started: new Date().toISOString() })) {
    // Another waiter is breaking it; a guard left by a breaker that died is removed after a while.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard)
    } catch {
      // Gone already.
    }
    return false
  }
  try {
    const now = readHolder(path)
    if (now === 'missing') return true
    const same = now === undefined ? stale === undefined : stale !== undefined && now.pid === stale.pid && now.host === stale.host && now.started === stale.started
    // An unreadable file is judged again by its age: it may be a new holder's, not yet written.
    if (!same || !isStale(path, now)) return true
    const aside = `${path}.stale-${process.pid}-${Date.now()}`
    renameSync(path, aside)
    unlinkSync(aside)
    return true
  } finally {
    try {
      unlinkSync(guard)
    } catch {
      // Gone already.
    }
  }
}

const describe = (h: PgliteLockHolder | undefined) => (h ? `pid ${h.pid} on host "${h.host}" since ${h.started}` : 'another process')

/** Takes the lock on a data directory, waiting while another process holds it. */
export async function lockPgliteDir(dataDir: string, options: PgliteLockOptions = {}): Promise<PgliteLock> {
  const path = pgliteLockPath(dataDir)
  mkdirSync(dirname(path), { recursive: true })
  const me: PgliteLockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() }
  const began = Date.now()
  let reported = false
  for (;;) {
    if (tryCreate(path, me)) break
    const holder = readHolder(path)
    if (holder === 'missing') continue
    // Broken (or found changed): try again at once; another waiter breaking it: wait a poll.
    const stale = isStale(path, holder)
    if (stale && breakStale(path, holder)) continue
    if (!reported && !stale && (holder !== undefined || Date.now() - began > 1_000)) {
      reported = true
      options.onWait?.(holder)
    }
    const waited = Date.now() - began
    if (options.timeoutMs !== undefined && waited >= options.timeoutMs) {
      throw new LockTimeoutError(
        `Cannot open the embedded database at "${dataDir}": waited ${Math.round((options.timeoutMs / 1000) * 10) / 10}s, and ${describe(holder)} still holds it`,
        { hint: `Wait for the other run to finish or raise --lock-wait; if ${holder ? `pid ${holder.pid}` : 'the holder'} is no longer running, delete ${path}` },
      )
    }
    const pause = options.pollMs ?? 150
    await sleep(options.timeoutMs === undefined ? pause : Math.max(1, Math.min(pause, options.timeoutMs - waited)), options.signal)
  }
  held.add(path)
  if (!exitHook) {
    exitHook = true
    process.on('exit', removeHeldAtExit)
  }
  let released = false
  return {
    path,
    holder: me,
    release() {
      if (released) return
      released = true
      held.delete(path)
      try {
        // Only our own lock: never remove one a waiter took over (e.g. after a long pause of ours).
        const now = readHolder(path)
        if (now !== 'missing' && now !== undefined && now.pid === me.pid && now.host === me.host && now.started === me.started) unlinkSync(path)
      } catch {
        // Gone already.
      }
    },
  }
}
