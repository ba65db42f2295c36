/**
 * SIGKILL at random moments of a 20-migration run with slow statements, many times, in both
 * transaction modes: afterwards the database is always exactly at a revision boundary the
 * version table agrees with (the tables created are those of the applied revisions, each
 * migration's rows complete), and a rerun completes. Server only (a killed client leaves the
 * server to roll back; PGlite dies with its process).
 */
import process from 'node:process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { upgrade } from '../../mod.ts'
import { chain, migrationFiles, tempProject } from '../helpers/cli.ts'
import { newTarget, serverAvailable, type Target } from '../helpers/targets.ts'
import { appliedIn, connect, pool, sleep, start, tablesIn, waitAlone, waitFor } from './helpers.ts'

/** Trials per transaction mode (two modes). */
const TRIALS = Number(process.env.SQLMIG_CRASH_TRIALS ?? 25)
const WORKERS = 4
const COUNT = 20

const id = (i: number) => `f${String(i).padStart(11, '0')}`
const table = (i: number) => `t${String(i).padStart(2, '0')}`
const SPECS = chain(Array.from({ length: COUNT }, (_, k) => {
  const i = k + 1
  return {
    revision: id(i),
    up: `create table ${table(i)} (id int);\nselect pg_sleep(0.004);\ninsert into ${table(i)} values (1);\nselect pg_sleep(0.004);\ninsert into ${table(i)} values (2);`,
    down: `drop table ${table(i)};`,
  }
}))

interface Outcome {
  applied: number
  /** The process had reported at least one migration done (inside its transaction) before dying. */
  midRun: boolean
}

/** One trial: start, kill at a random moment of the run, check the state, rerun, reset. */
async function trial(dir: string, t: Target, mode: 'all' | 'per-migration', windowMs: number): Promise<Outcome> {
  const sql = connect(t.url)
  try {
    const run = start(['upgrade', '--transaction', mode], dir, { DATABASE_URL: t.url })
    // "Using database" is printed once connected: kill at a random moment from there on.
    await waitFor('the run to connect', () => run.stderr().includes('Using database') || run.child.exitCode !== null, 60_000)
    await sleep(Math.random() * windowMs)
    run.child.kill('SIGKILL')
    const r = await run.done
    const midRun = r.signal === 'SIGKILL' && /upgrade\s+f\d+/.test(r.stderr)
    // The server notices the dead client after the running statement; wait for its backend to go.
    await waitAlone(sql)
    const applied = await appliedIn(sql)
    const tables = (await tablesIn(sql)).filter((n) => n !== 'sqlmig_version')
    const expected = SPECS.slice(0, applied.length)
    assert.equal(applied, expected.map((s) => s.revision), 'applied revisions are a prefix of the chain, in order')
    assert.equal(tables, expected.map((_, k) => table(k + 1)), `tables match the applied revisions (${mode})`)
    for (const n of tables) {
      const rows = await sql.unsafe(`select count(*)::int as n from ${n}`)
      assert.is(rows[0]!.n, 2, `${n} holds both rows of its migration`)
    }
    if (mode === 'all') assert.ok(applied.length === 0 || applied.length === COUNT, 'one transaction: all or nothing')
    // A rerun completes.
    const again = await upgrade({ url: t.url, cwd: dir })
    assert.is(again.steps.length, COUNT - applied.length)
    assert.is((await appliedIn(sql)).length, COUNT)
    await sql.unsafe('drop schema public cascade; create schema public')
    return { applied: applied.length, midRun }
  } finally {
    await sql.end()
  }
}

if (await serverAvailable()) {
  for (const mode of ['all', 'per-migration'] as const) {
    test(`${TRIALS} SIGKILLs at random moments of a ${COUNT}-migration run (--transaction ${mode}) leave the database at a revision boundary`, async () => {
      const p = tempProject(migrationFiles(SPECS))
      const targets = await Promise.all(Array.from({ length: WORKERS }, () => newTarget('postgres')))
      try {
        // Calibrate: how long does a whole run take from "Using database" to exit?
        const calib = start(['upgrade', '--transaction', mode], p.dir, { DATABASE_URL: targets[0]!.url })
        await waitFor('calibration to connect', () => calib.stderr().includes('Using database') || calib.child.exitCode !== null, 60_000)
        const t0 = Date.now()
        const c = await calib.done
        assert.is(c.code, 0, c.stderr)
        const windowMs = Math.min(3000, Math.max(300, (Date.now() - t0) * 1.2))
        const reset = connect(targets[0]!.url)
        await reset.unsafe('drop schema public cascade; create schema public')
        await reset.end()

        const free = [...targets]
        const outcomes = await pool(WORKERS, Array.from({ length: TRIALS }, () => async () => {
          const t = free.pop()!
          try {
            return await trial(p.dir, t, mode, windowMs)
          } finally {
            free.push(t)
          }
        }))
        const mid = outcomes.filter((o) => o.midRun).length
        const partial = outcomes.filter((o) => o.applied > 0 && o.applied < COUNT).length
        console.log(`  ${mode}: ${TRIALS} kills, window ${Math.round(windowMs)} ms, ${mid} in the middle of migrating, ${partial} left a partial (committed) prefix, applied counts ${outcomes.map((o) => o.applied).join(',')}`)
        assert.ok(mid >= TRIALS / 6, `enough kills landed while migrations ran (${mid})`)
        if (mode === 'per-migration') assert.ok(partial >= 1, 'some kills left committed migrations behind')
      } finally {
        p.cleanup()
        await Promise.all(targets.map((t) => t.cleanup()))
      }
    })
  }
}

test.run()
