#!/usr/bin/env node
// The npm bin: `npx sqlmig ...`.
import process from 'node:process'
import { runProcess } from './run-process.ts'

await runProcess(process.argv.slice(2))
