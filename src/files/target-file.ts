/**
 * A fleet's targets file (`sqlmig upgrade --targets targets.txt`): one database URL a line;
 * blank lines and `#` comments (whole-line or after the URL) are ignored. Read as a stream, a
 * line at a time, so a file of 100,000 tenants costs no more memory than one of ten.
 */
import { createReadStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { UsageError } from '../errors.ts'

/** One target of the file and the line it is on (1-based). */
export interface TargetLine {
  url: string
  line: number
}

/** The URL a line holds, or undefined for a blank or comment line. */
export function parseTargetLine(text: string): string | undefined {
  const hash = text.search(/(^|\s)#/)
  const url = (hash < 0 ? text : text.slice(0, hash)).trim()
  return url === '' ? undefined : url
}

/** The targets of the file at `path`, streamed in file order. */
export async function* readTargetsFile(path: string): AsyncGenerator<TargetLine> {
  if (!existsSync(path)) {
    throw new UsageError(`Cannot read the targets file "${path}": no such file`, { hint: 'Give a file with one database URL a line (# starts a comment)' })
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  let line = 0
  for await (const text of lines) {
    line++
    const url = parseTargetLine(text)
    if (url !== undefined) yield { url, line }
  }
}
