/** `sqlmig init`: migrations/versions/, sqlmig.json and a .gitignore entry for the embedded database. */
import { join, relative } from 'node:path'
import process from 'node:process'
import { CONFIG_FILE, DEFAULT_DIR } from '../config.ts'
import { DEFAULT_URL } from '../db/open.ts'
import { nodeFileSource as fs } from '../files/file-source.ts'
import { appendText, readTextIfExists } from '../files/project-files.ts'
import { VERSIONS_DIR } from '../files/script-directory.ts'
import { hinting } from './hints.ts'

export interface InitOptions {
  dir?: string | undefined
  url?: string | undefined
  cwd?: string | undefined
}

export interface InitResult {
  /** Paths created (relative to the working directory). */
  created: string[]
  /** Paths that already existed and were left alone. */
  existing: string[]
}

const GITIGNORE_ENTRY = '.sqlmig/'

/** Sets up a project for sqlmig in the working directory; never overwrites anything. */
export function init(options: InitOptions = {}): InitResult {
  return hinting('init', () => unhintedInit(options))
}

function unhintedInit(options: InitOptions = {}): InitResult {
  const cwd = options.cwd ?? process.cwd()
  const dir = options.dir ?? DEFAULT_DIR
  const created: string[] = []
  const existing: string[] = []
  const rel = (p: string) => relative(cwd, p) || '.'
  const versions = join(cwd, dir, VERSIONS_DIR)
  if (fs.exists(versions)) existing.push(rel(versions))
  else {
    fs.mkdirp(versions)
    created.push(rel(versions))
  }
  const config = join(cwd, CONFIG_FILE)
  if (fs.exists(config)) existing.push(CONFIG_FILE)
  else {
    fs.create(config, `${JSON.stringify({ url: options.url ?? DEFAULT_URL, dir }, null, 2)}\n`)
    created.push(CONFIG_FILE)
  }
  const gitignore = join(cwd, '.gitignore')
  const text = readTextIfExists(gitignore)
  if (text !== undefined && text.split(/\r?\n/).some((l) => l.trim() === GITIGNORE_ENTRY || l.trim() === '.sqlmig')) existing.push('.gitignore')
  else {
    appendText(gitignore, `${text !== undefined && text !== '' && !text.endsWith('\n') ? '\n' : ''}# sqlmig's embedded database\n${GITIGNORE_ENTRY}\n`)
    created.push(text === undefined ? '.gitignore' : '.gitignore (entry)')
  }
  return { created, existing }
}
