/**
 * Child process of the bench: the cost an application pays at every start when nothing is
 * pending. Prints JSON: the import of the library, the first upgrade() call (cold: loads the
 * driver, connects, takes the lock, reads the version table) and a second call (warm).
 * Usage: node dist/bench/lib-upgrade.js <url> <project dir>
 */
import process from 'node:process'

const [url, cwd] = process.argv.slice(2)
const t0 = performance.now()
const { upgrade } = await import('../mod.ts')
const t1 = performance.now()
const first = await upgrade({ url, cwd })
const t2 = performance.now()
await upgrade({ url, cwd })
const t3 = performance.now()
if (first.steps.length !== 0) throw new Error(`expected nothing to do, ran ${first.steps.length} migrations`)
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2 })}\n`)
