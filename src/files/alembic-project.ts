/**
 * An Alembic project, read through Alembic itself: its revision graph and each revision's
 * upgrade and downgrade rendered as offline SQL (alembic-render.py.ts). Alembic is Python, so
 * this runs the Python that can import it: the interpreter of an `alembic` on PATH, else
 * python3 (Debian's python3-alembic has no `alembic` command, only `python3 -m alembic`).
 * The URL reaches env.py through an environment variable of the child, never its command line.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, join, relative, resolve } from 'node:path'
import process from 'node:process'
import { UnmappableSourceError, UsageError } from '../errors.ts'
import { registerSecret } from '../redact.ts'
import { ALEMBIC_RENDER_PY } from './alembic-render.py.ts'

export interface AlembicRevision {
  revision: string
  down_revision: string[]
  depends_on: string[]
  branch_labels: string[]
  /** The first line of the docstring (Alembic's "message"). */
  doc: string
  /** "Create Date:" from the docstring, as written. */
  created: string | null
  /** The revision file, relative to the script folder. */
  path: string
  depends_on_line: number
  upgrade_line: number
  downgrade_line: number
  /** Offline SQL of `alembic upgrade <parents>:<rev> --sql`, as Alembic prints it. */
  up: string
  /** Offline SQL of `alembic downgrade <rev>:<parents> --sql`. */
  down: string
}

export interface AlembicProject {
  /** The version table env.py configures (Alembic's bookkeeping, left out of the bodies). */
  version_table: string
  /** Parents before children. */
  revisions: AlembicRevision[]
}

const INSTALL_HINT = 'Install Alembic: "apt-get install -y python3-alembic" (Debian/Ubuntu) or "pip install alembic", with the database driver env.py imports (python3-psycopg2)'

/** The Python interpreters that may have Alembic, best first. */
function pythonCandidates(): string[] {
  const out: string[] = []
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const bin = join(dir, 'alembic')
    if (dir && existsSync(bin)) {
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '')
      if (shebang) out.push(shebang[1]!.endsWith('/env') && shebang[2] ? shebang[2] : shebang[1]!)
      break
    }
  }
  return [...new Set([...out, 'python3', '/usr/bin/python3', 'python'])]
}

/** The first interpreter that imports alembic, or undefined. */
export function alembicPython(): string | undefined {
  for (const python of pythonCandidates()) {
    // From "/": a folder named alembic/ in the project (the usual script folder) would import as a namespace package.
    const r = spawnSync(python, ['-c', 'import alembic.config'], { stdio: 'ignore', cwd: '/' })
    if (r.status === 0) return python
  }
  return undefined
}

/**
 * Loads the project in `folder` (the script folder holding env.py, or the folder holding
 * alembic.ini) and renders every revision.
 * @throws UsageError when no Python here imports alembic, or the folder is no Alembic project
 * @throws UnmappableSourceError when Alembic fails (env.py or a revision raises): the file and line of the traceback
 */
export function readAlembicProject(folder: string, url: string | undefined): AlembicProject {
  if (!existsSync(join(folder, 'env.py')) && !existsSync(join(folder, 'alembic.ini'))) {
    throw new UsageError(`Cannot find an Alembic project in "${folder}": no env.py or alembic.ini there`, { hint: 'Name the folder that holds env.py and versions/ (or alembic.ini)' })
  }
  const python = alembicPython()
  if (!python) throw new UsageError('Cannot import from alembic: Alembic is not installed here (no "alembic" on PATH, and python3 cannot import it)', { hint: INSTALL_HINT })
  registerSecret(url === undefined ? undefined : safePassword(url))
  const env: Record<string, string | undefined> = { ...process.env, SQLMIG_ALEMBIC_URL: undefined }
  if (url !== undefined) env.SQLMIG_ALEMBIC_URL = url.replace(/^postgres:\/\//, 'postgresql://')
  let stdout: string
  try {
    stdout = execFileSync(python, ['-c', ALEMBIC_RENDER_PY, folder], { env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    throw alembicFailed(folder, String((error as { stderr?: unknown }).stderr ?? error))
  }
  return JSON.parse(stdout) as AlembicProject
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}

/** Alembic's error as a spot: the last traceback frame in the project, and the exception's line. */
function alembicFailed(folder: string, stderr: string): UnmappableSourceError {
  const root = resolve(folder)
  const frames = [...stderr.matchAll(/File "([^"]+)", line (\d+)/g)].filter((m) => resolve(m[1]!).startsWith(root))
  const last = frames.at(-1)
  const lines = stderr.trim().split('\n')
  const message = lines.at(-1) ?? 'alembic failed'
  const file = last ? join(folder, relative(root, resolve(last[1]!))) : join(folder, 'env.py')
  return new UnmappableSourceError('Cannot import from alembic: Alembic could not render the offline SQL; nothing was written', [{ file, line: last ? Number(last[2]) : 1, message: `alembic: ${message}` }], {
    hint: 'Fix what Alembic reports at that line (its offline mode must render SQL there)',
  })
}
