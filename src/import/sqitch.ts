/**
 * sqitch: a project folder with sqitch.plan (and sqitch.conf), deploy/<change>.sql as the up and
 * revert/<change>.sql as the down; verify/ scripts have no sqlmig equivalent and are listed as
 * skipped. The plan is read with the grammar of App::Sqitch::Plan (lib/App/Sqitch/Plan.pm):
 * `%pragma=value`, change lines `name [deps] timestamp planner <email> # note`, `@tag` lines.
 *
 * The graph: sqitch deploys in plan order and checks `[dependencies]` on the way, so each
 * change's parents are its declared dependencies plus the change before it in the plan (the
 * order must hold for a faithful replay; a dependency on an earlier change is kept as an extra
 * edge so `history` shows it). A change that appears again after a tag (`sqitch rework`) gets
 * the version `name@tag`, tag being the first tag after its previous appearance; its earlier
 * appearance's scripts are `deploy/name@tag.sql` as sqitch names them (Plan/Change.pm
 * path_segments). Cross-project dependencies, conflicts with an earlier change, unknown
 * references and another engine than pg cannot be mapped and are listed.
 */
import type { UnmappableSpot } from '../errors.ts'
import type { SourceFolder } from '../files/source-folder.ts'
import { Scanner } from '../sql/scan.ts'
import { lineAt, messageOf, section, type SourceHistory, type SourceMigration } from './source-history.ts'
import { sqitchVersions } from './sqitch-versions.ts'

/** sqitch.conf as git-config: `[section "sub"]` and `key = value`, lower-cased keys as `section.sub.key`. */
function readConfig(text: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>()
  let prefix = ''
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim()
    const head = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"]*)")?\s*\]$/.exec(line)
    if (head) prefix = `${head[1]!.toLowerCase()}${head[2] !== undefined ? `.${head[2]}` : ''}.`
    else {
      const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line)
      if (kv) out.set(prefix + kv[1]!.toLowerCase(), { value: kv[2]!.replace(/^"(.*)"$/, '$1'), line: i + 1 })
    }
  })
  return out
}

/** A change or tag line (Plan.pm's line regex, without the deprecated +/- operators, which are refused). */
const LINE = /^[ \t]*(@)?(?:([+-])[ \t]*)?([^\s:@#\\[\]]+)[ \t]*(?:\[([^\]]*)\][ \t]*)?(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)[ \t]+)?(?:([^<#]*?)[ \t]*<([^>]*)>)?(?:[ \t]*#[ \t]?(.*))?$/

interface PlanChange {
  name: string
  line: number
  deps: string[]
  timestamp: string | undefined
  note: string
  /** Tags placed right after it, in plan order. */
  tags: string[]
  /** Index among the plan's changes. */
  index: number
  version: string
}

export function readSqitch(folder: SourceFolder): SourceHistory {
  const out: SourceHistory = { migrations: [], spots: [], skipped: [], notes: [] }
  const has = new Set(folder.files)
  const config = has.has('sqitch.conf') ? readConfig(folder.read('sqitch.conf')) : new Map<string, { value: string; line: number }>()
  const engine = config.get('core.engine')
  if (engine && engine.value !== 'pg') out.spots.push({ file: folder.path('sqitch.conf'), line: engine.line, message: `engine "${engine.value}": sqlmig imports PostgreSQL (pg) projects only` })
  const setting = (key: string, fallback: string): string => (engine && config.get(`engine.${engine.value}.${key}`)?.value) ?? config.get(`core.${key}`)?.value ?? fallback
  const top = setting('top_dir', '.').replace(/^\.\/?/, '').replace(/\/$/, '')
  const under = (p: string): string => (top ? `${top}/${p}` : p).replace(/^\.\//, '')
  const planFile = setting('plan_file', under('sqitch.plan')).replace(/^\.\//, '')
  const deployDir = setting('deploy_dir', under('deploy')).replace(/^\.\//, '').replace(/\/$/, '')
  const revertDir = setting('revert_dir', under('revert')).replace(/^\.\//, '').replace(/\/$/, '')
  const verifyDir = setting('verify_dir', under('verify')).replace(/^\.\//, '').replace(/\/$/, '')
  const ext = setting('extension', 'sql')
  if (!has.has(planFile)) {
    out.spots.push({ file: folder.path(planFile), line: 1, message: 'no sqitch plan file (sqitch.plan)' })
    return out
  }
  const planPath = folder.path(planFile)
  const project: { name: string | undefined } = { name: undefined }
  const changes = parsePlan(folder.read(planFile), planPath, out.spots, project)
  const spot = (line: number, message: string) => out.spots.push({ file: planPath, line, message })

  // Versions: the first appearance of a name is the name, a reworked one name@<first tag after the previous>.
  sqitchVersions(changes).forEach((v, i) => {
    const c = changes[i]!
    if (v.untaggedAfter !== undefined) spot(c.line, `change "${c.name}" appears again without a tag after its previous appearance (line ${changes[v.untaggedAfter]!.line}); sqitch refuses that too`)
    c.version = v.version
  })

  const used = new Set<string>()
  for (const c of changes) {
    const parents: string[] = []
    for (const dep of c.deps) {
      const resolved = resolveDependency(dep, c, changes, project.name, spot)
      if (resolved && !parents.includes(resolved.version)) parents.push(resolved.version)
    }
    const previous = changes[c.index - 1]
    if (previous && !parents.includes(previous.version)) parents.push(previous.version)
    const next = changes.slice(c.index + 1).find((x) => x.name === c.name)
    const file = (dir: string): string | undefined => scriptOf(dir, c, next, changes, ext, has)
    const deploy = file(deployDir)
    if (deploy === undefined || !has.has(deploy)) {
      spot(c.line, `no deploy script ${deploy ?? `${deployDir}/${c.name}.${ext}`} for change "${c.name}"`)
      continue
    }
    const revert = file(revertDir)
    for (const f of [deploy, revert]) if (f !== undefined) used.add(f)
    const upText = folder.read(deploy)
    checkPsqlVariables(folder.path(deploy), upText, out.spots)
    const migration: SourceMigration = {
      version: c.version,
      label: c.version,
      prefix: String(c.index + 1).padStart(4, '0'),
      message: c.note.trim() || messageOf(c.name) || c.name,
      created: c.timestamp ? new Date(c.timestamp) : undefined,
      up: section(folder.path(deploy), upText, 0, upText.length),
      down: undefined,
      parents,
    }
    if (revert !== undefined && has.has(revert)) {
      const downText = folder.read(revert)
      checkPsqlVariables(folder.path(revert), downText, out.spots)
      migration.down = section(folder.path(revert), downText, 0, downText.length)
    }
    out.migrations.push(migration)
  }
  // verify/ scripts (sqlmig has no verify step) and scripts no change of the plan names.
  const dirs = [deployDir, revertDir, verifyDir].map((d) => `${d}/`)
  for (const f of folder.files) if (!used.has(f) && dirs.some((d) => f.startsWith(d))) out.skipped.push(f)
  return out
}

function parsePlan(text: string, file: string, spots: UnmappableSpot[], project: { name: string | undefined }): PlanChange[] {
  const changes: PlanChange[] = []
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = i + 1
    const trimmed = raw.trim()
    const pragma = /^%\s*project\s*=\s*(\S+)/.exec(trimmed)
    if (pragma) project.name = pragma[1]!
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('%')) return
    const m = LINE.exec(raw)
    if (!m) {
      spots.push({ file, line, message: `cannot read this plan line: ${JSON.stringify(trimmed)}` })
      return
    }
    const [, tag, op, name, deps, timestamp, , , note] = m
    if (op) {
      spots.push({ file, line, message: `"${op}${name}": a deploy/revert operator of an old plan syntax (rewrite the plan with "sqitch plan" in syntax 1.0.0)` })
      return
    }
    if (tag) {
      const on = changes.at(-1)
      if (!on) spots.push({ file, line, message: `tag "@${name}" comes before any change` })
      else on.tags.push(name!)
      return
    }
    changes.push({ name: name!, line, deps: (deps ?? '').trim().split(/\s+/).filter(Boolean), timestamp, note: note ?? '', tags: [], index: changes.length, version: name! })
  })
  return changes
}

/**
 * A dependency of `c` as the change it names (Plan/Depend.pm: `[!][project:]change[@tag]`, or
 * `@tag`, HEAD and ROOT; `project:` naming the plan's own %project is local), or undefined when it names nothing faithful: a spot is added then,
 * except for a conflict on a later change or one that is not in the plan, which only sqitch's
 * deploy checks and a replay in plan order never meets.
 */
function resolveDependency(dep: string, c: PlanChange, changes: PlanChange[], own: string | undefined, spot: (line: number, message: string) => void): PlanChange | undefined {
  const m = /^(!)?(?:([^:]*):)?([^@]*)(?:@(.+))?$/.exec(dep)
  if (!m) {
    spot(c.line, `dependency "${dep}" of "${c.name}" cannot be read`)
    return undefined
  }
  const [, conflict, project, name, tag] = m
  const earlier = changes.slice(0, c.index)
  if (project !== undefined && project !== own) {
    spot(c.line, `"${c.name}" depends on "${dep}" in another sqitch project: sqlmig cannot check that another project's change is deployed (drop it from the plan or import that project first and merge)`)
    return undefined
  }
  let target: PlanChange | undefined
  if (tag !== undefined) {
    const tagged = tag === 'HEAD' ? earlier.at(-1) : tag === 'ROOT' ? earlier[0] : earlier.findLast((x) => x.tags.includes(tag))
    target = tagged && (name ? earlier.slice(0, tagged.index + 1).findLast((x) => x.name === name) : tagged)
  } else target = /^[0-9a-f]{40}$/.test(name!) ? undefined : earlier.findLast((x) => x.name === name)
  if (conflict) {
    if (target) spot(c.line, `"${c.name}" conflicts with "${name}", which the plan deploys before it (line ${target.line}): sqitch cannot deploy this plan from scratch either`)
    return undefined
  }
  if (!target) {
    const later = changes.slice(c.index + 1).some((x) => x.name === name)
    spot(c.line, later ? `"${c.name}" depends on "${dep}", which comes later in the plan (sqitch refuses that too)` : `"${c.name}" depends on "${dep}", which is no earlier change or tag in this plan`)
  }
  return target
}

/**
 * The script of a change in `dir` (Plan/Change.pm path_segments): name.ext for its last
 * appearance; for an earlier one name@tag.ext, tag being the first of the tags between it and
 * its next appearance whose file exists (else the first of them).
 */
function scriptOf(dir: string, c: PlanChange, next: PlanChange | undefined, changes: PlanChange[], ext: string, has: Set<string>): string | undefined {
  const base = `${dir}/${c.name}`
  if (!next) return `${base}.${ext}`
  const tags = changes.slice(c.index, next.index).flatMap((x) => x.tags)
  const names = tags.map((t) => `${base}@${t}.${ext}`)
  return names.find((n) => has.has(n)) ?? names[0]
}

/** psql's `:'name'` and `:"name"` interpolations (sqitch runs scripts through psql with --set): no SQL means them. */
function checkPsqlVariables(file: string, text: string, spots: UnmappableSpot[]): void {
  const scanner = new Scanner(text)
  let previous = ''
  try {
    while (scanner.next()) {
      const token = text.slice(scanner.start, scanner.end)
      if (scanner.kind === 'quoted' && previous === ':' && text[scanner.start - 2] !== ':' && /^['"]/.test(token)) {
        spots.push({ file, line: lineAt(text, scanner.start - 1), message: `psql variable :${token}, which only psql fills in (write the value)` })
      }
      previous = scanner.kind === 'other' ? token : ''
    }
  } catch {
    // An unterminated quote is reported by the builder, which splits every body.
  }
}
