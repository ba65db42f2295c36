/**
 * What an application does at startup, run by Deno from source (test/deno/library.test.ts spawns
 * `deno run -A test/deno/app-startup.ts` in a project folder): import the library, migrate, and
 * print one JSON line. Importing mod.ts must not start the CLI, although this process has
 * arguments ("history") the CLI would act on.
 */
import process from 'node:process'
import { current, upgrade } from '../../mod.ts'

const result = await upgrade({ url: process.env.DATABASE_URL })
const now = await current({ url: process.env.DATABASE_URL })
console.log(JSON.stringify({ from: result.from, to: result.to, applied: result.steps.map((s) => s.revision), current: now.current }))
