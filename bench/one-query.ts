/**
 * Child process of the bench: the floor under `sqlmig current`, i.e. Node's start plus loading
 * the driver, connecting and one query. Usage: node dist/bench/one-query.js <url>
 * (postgres://... or pglite:<dir>, which also pays PGlite's WASM start).
 */
import process from 'node:process'

const url = process.argv[2]!
if (url.startsWith('pglite:')) {
  const { PGlite } = await import('@electric-sql/pglite')
  const pg = await PGlite.create(url.slice('pglite:'.length))
  await pg.query('select 1')
  await pg.close()
} else {
  const { default: postgres } = await import('postgres')
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  await sql.unsafe('select 1')
  await sql.end({ timeout: 1 })
}
