// The figures the README states about the test suite ("npm test: 1,480 tests in ~15 minutes"),
// checked by test/run.mjs after every full run and rewritten with SQLMIG_UPDATE_README=1, so
// the README never states numbers no run has produced. Pure functions but for the file access.
import { readFileSync, writeFileSync } from 'node:fs'

/** The README sentence that holds the figures. */
export const SUITE_FIGURES = /`npm test`: ([\d,]+) tests in ~(\d+) minutes on 2 cores/

/** The figures as the README states them, or undefined when the sentence is missing. */
export function readSuiteFigures(readme) {
  const m = SUITE_FIGURES.exec(readme)
  return m ? { tests: Number(m[1].replace(/,/g, '')), minutes: Number(m[2]) } : undefined
}

/** The README text with the figures of a run written in. */
export function writeSuiteFigures(readme, run) {
  return readme.replace(SUITE_FIGURES, `\`npm test\`: ${run.tests.toLocaleString('en-US')} tests in ~${Math.max(1, Math.round(run.minutes))} minutes on 2 cores`)
}

/**
 * What is wrong with the README's figures after a full run: the count must be within 10 % of
 * the run's (a failure), the time within a factor of 2 (a note only: the machine may be busy).
 */
export function checkSuiteFigures(readme, run) {
  const stated = readSuiteFigures(readme)
  if (!stated) return { errors: ['README.md has no "`npm test`: N tests in ~M minutes on 2 cores" sentence'], notes: [] }
  const errors = []
  const notes = []
  if (Math.abs(stated.tests - run.tests) > run.tests * 0.1) errors.push(`README.md says ${stated.tests} tests, this run had ${run.tests}`)
  if (run.minutes > stated.minutes * 2 || run.minutes < stated.minutes / 2) notes.push(`README.md says ~${stated.minutes} minutes, this run took ${run.minutes.toFixed(1)}`)
  return { errors, notes }
}

/** Checks (or, with update, rewrites) the README at `path`; returns the lines to print and whether the run fails. */
export function suiteFiguresReport(path, run, update) {
  const readme = readFileSync(path, 'utf8')
  if (update) {
    writeFileSync(path, writeSuiteFigures(readme, run))
    return { lines: [`README.md: wrote ${run.tests} tests in ~${Math.round(run.minutes)} minutes`], failed: false }
  }
  const { errors, notes } = checkSuiteFigures(readme, run)
  const fix = 'run the full suite with SQLMIG_UPDATE_README=1 to write the figures'
  return { lines: [...errors.map((e) => `README figures: ${e}: ${fix}`), ...notes.map((n) => `note: README figures: ${n}`)], failed: errors.length > 0 }
}
