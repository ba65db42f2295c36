/**
 * Child process of the bench: the floor for PGlite, i.e. one exec() of all the SQL in one
 * transaction on a fresh data directory (PGlite has no psql).
 * Usage: node dist/bench/pglite-exec.js <data dir> <file.sql>
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { PGlite } from '@electric-sql/pglite'

const [dir, file] = process.argv.slice(2)
const pg = await PGlite.create(dir!)
await pg.exec(`begin;\n${readFileSync(file!, 'utf8')}\ncommit;`)
await pg.close()
