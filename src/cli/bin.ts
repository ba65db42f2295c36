#!/usr/bin/env node
// The npm bin: `npx sqlmig ...`.
import module from 'node:module'
import process from 'node:process'

// Node 22.1+ keeps the compiled code of the CLI's modules on disk (os.tmpdir()/node-compile-cache,
// or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so every later start skips
// compiling them; Node 20 has no such call. Enabled before the CLI's modules load, hence the
// dynamic import below.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

const { runProcess } = await import('./run-process.ts')
await runProcess(process.argv.slice(2))
