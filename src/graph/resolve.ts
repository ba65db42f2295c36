/**
 * Turning what a user types into revisions: full ids, unique prefixes, head/heads/base, +N, -N,
 * <revision>+N and <revision>-N. `parseTarget` reads the text (no graph); `resolveTarget` looks
 * the ids up. Relative moves without a revision (+N, -N) depend on the database state, so they
 * stay relative here and the planner decides them.
 */
import { AmbiguousRelativeTarget, RelativeOutOfRange, RevisionError } from '../errors.ts'
import type { RevisionGraph, RevisionNode } from './revision-graph.ts'

/** Which way a plan moves: apply (`up`) or undo (`down`). */
export type Direction = 'up' | 'down'

/** A parsed target. `ids` and `from` are still what the user typed (ids or prefixes). */
export type Target =
  | { kind: 'head' }
  | { kind: 'heads' }
  | { kind: 'base' }
  | { kind: 'revisions'; ids: readonly string[] }
  /** `+N`/`-N` from the current state, or `<from>+N`/`<from>-N` from a revision. */
  | { kind: 'relative'; steps: number; from?: string | undefined; text?: string | undefined }

/** A target after lookup: exact ids; a relative move only when it starts from the current state. */
export type ResolvedTarget =
  | { kind: 'heads' }
  | { kind: 'base' }
  | { kind: 'revisions'; ids: string[] }
  | { kind: 'relative'; steps: number }

const RELATIVE = /^([+-])(\d+)$/
const FROM_RELATIVE = /^([A-Za-z0-9_-]+?)([+-])(\d+)$/
const REVISION_TEXT = /^[A-Za-z0-9_-]+$/
const MAX_LISTED = 10

const quote = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ')
const verbOf = (direction: Direction): string => (direction === 'up' ? 'upgrade' : 'downgrade')

/**
 * Reads a target for `upgrade` (`up`) or `downgrade` (`down`).
 * @throws RevisionError INVALID_TARGET for text that is no target, or one that makes no sense
 *   in this direction (`upgrade base`, `upgrade -1`, `downgrade head`, `downgrade +1`).
 */
export function parseTarget(text: string, direction: Direction): Target {
  const target = readTarget(text.trim(), direction)
  checkDirection(target, direction)
  return target
}

function readTarget(text: string, direction: Direction): Target {
  if (text === 'head' || text === 'heads' || text === 'base') return { kind: text }
  const relative = RELATIVE.exec(text)
  if (relative) return { kind: 'relative', steps: signed(relative[1], relative[2]), text }
  const fromRelative = FROM_RELATIVE.exec(text)
  if (fromRelative) return { kind: 'relative', from: fromRelative[1], steps: signed(fromRelative[2], fromRelative[3]), text }
  if (REVISION_TEXT.test(text)) return { kind: 'revisions', ids: [text] }
  throw new RevisionError('INVALID_TARGET', `Cannot read "${text}" as a revision`, { data: { text, direction, reason: 'unreadable' } })
}

function signed(sign: string | undefined, digits: string | undefined): number {
  const n = Number(digits)
  return sign === '-' ? -n : n
}

/** The text a target was read from (or would be). */
export function formatTarget(target: Target): string {
  switch (target.kind) {
    case 'revisions': return target.ids.join(' ')
    case 'relative': return target.text ?? `${target.from ?? ''}${target.steps < 0 ? '-' : '+'}${Math.abs(target.steps)}`
    default: return target.kind
  }
}

/** @throws RevisionError INVALID_TARGET when the target only makes sense the other way. */
export function checkDirection(target: Target, direction: Direction): void {
  const text = formatTarget(target)
  const verb = verbOf(direction)
  if (direction === 'up' && target.kind === 'base') {
    throw new RevisionError('INVALID_TARGET', `Cannot upgrade to "base"`, { data: { text, direction, reason: 'base-up' } })
  }
  if (direction === 'down' && (target.kind === 'head' || target.kind === 'heads')) {
    throw new RevisionError('INVALID_TARGET', `Cannot downgrade to "${text}"`, { data: { text, direction, reason: 'head-down' } })
  }
  const backward = target.kind === 'relative' && (target.steps < 0 || Object.is(target.steps, -0))
  if (target.kind === 'relative' && target.from === undefined && (direction === 'up') === backward) {
    throw new RevisionError('INVALID_TARGET', `Cannot ${verb} by "${text}"`, { data: { text, direction, reason: 'wrong-sign' } })
  }
}

/**
 * A full revision id, or the one revision whose id starts with `text`. A full id wins over
 * longer ids it is a prefix of.
 * @throws RevisionError AMBIGUOUS_REVISION (several match) or UNKNOWN_REVISION (none does).
 */
export function resolveRevision<T extends RevisionNode>(graph: RevisionGraph<T>, text: string): string {
  if (graph.has(text)) return text
  const matches = text === '' ? [] : graph.topological().filter((id) => id.startsWith(text))
  if (matches.length === 1) return matches[0] as string
  if (matches.length > 1) {
    const shown = matches.slice(0, MAX_LISTED)
    const more = matches.length > shown.length ? ` and ${matches.length - shown.length} more` : ''
    throw new RevisionError('AMBIGUOUS_REVISION', `Revision "${text}" is ambiguous: it matches ${quote(shown)}${more}`,
      { data: { text, matches } })
  }
  throw new RevisionError('UNKNOWN_REVISION', `No revision matches "${text}"`, { data: { text } })
}

/**
 * The single head.
 * @throws RevisionError MULTIPLE_HEADS listing the heads; NO_REVISIONS for an empty graph.
 */
export function resolveHead<T extends RevisionNode>(graph: RevisionGraph<T>): string {
  const heads = graph.heads()
  if (heads.length === 1) return heads[0] as string
  if (heads.length === 0) {
    throw new RevisionError('NO_REVISIONS', 'There are no revisions')
  }
  throw new RevisionError('MULTIPLE_HEADS', `"head" is ambiguous: there are ${heads.length} heads (${quote(heads)})`, { data: { heads } })
}

/**
 * The revision `steps` moves from `from` (an exact id): forward along children (`steps > 0`),
 * back along down_revision (`steps < 0`). `text` is what the user typed, for messages.
 * @throws RevisionError AMBIGUOUS_RELATIVE at a branch point (forward) or a merge (back);
 *   RELATIVE_OUT_OF_RANGE past a head or a base.
 */
export function resolveRelative<T extends RevisionNode>(graph: RevisionGraph<T>, from: string, steps: number, text: string): string {
  let id = from
  for (let done = 0; done < Math.abs(steps); done++) {
    const next = steps > 0 ? graph.children(id) : graph.parents(id)
    if (next.length === 1) {
      id = next[0] as string
      continue
    }
    const left = Math.abs(steps) - done - 1
    if (next.length === 0) {
      const where = steps > 0 ? 'a head' : 'a base'
      throw new RelativeOutOfRange(text, steps > 0 ? 'up' : 'down', Math.abs(steps), done, done === 0 ? undefined : id,
        `Cannot resolve "${text}": "${id}" is ${where}, ${done} ${done === 1 ? 'step' : 'steps'} from "${from}"`, { from })
    }
    const what = steps > 0 ? `"${id}" has ${next.length} children` : `"${id}" is a merge of ${next.length} revisions`
    throw new AmbiguousRelativeTarget(text, steps > 0 ? 'up' : 'down', [...next], next.map((n) => walk(graph, n, Math.sign(steps) * left)),
      `Cannot resolve "${text}": ${what} (${quote(next)})`, { from })
  }
  return id
}

/** The revision `steps` moves from `from` when every step has one way to go, else `undefined`. */
function walk<T extends RevisionNode>(graph: RevisionGraph<T>, from: string, steps: number): string | undefined {
  let id = from
  for (let done = 0; done < Math.abs(steps); done++) {
    const next = steps > 0 ? graph.children(id) : graph.parents(id)
    if (next.length !== 1) return undefined
    id = next[0] as string
  }
  return id
}

/**
 * Looks up every id in a target. `head` becomes its one revision; `<id>+N`/`<id>-N` become the
 * revision they reach (unless the whole text is itself a revision id: ids may contain "-").
 */
export function resolveTarget<T extends RevisionNode>(graph: RevisionGraph<T>, target: Target): ResolvedTarget {
  switch (target.kind) {
    case 'head': return { kind: 'revisions', ids: [resolveHead(graph)] }
    case 'heads': return { kind: 'heads' }
    case 'base': return { kind: 'base' }
    case 'revisions': return { kind: 'revisions', ids: target.ids.map((text) => resolveRevision(graph, text)) }
    case 'relative': {
      if (target.from === undefined) return { kind: 'relative', steps: target.steps }
      const text = formatTarget(target)
      if (graph.has(text)) return { kind: 'revisions', ids: [text] }
      if (target.from === 'base') return resolveFromBase(graph, target.steps, text)
      const from = target.from === 'head' ? resolveHead(graph) : resolveRevision(graph, target.from)
      return { kind: 'revisions', ids: [resolveRelative(graph, from, target.steps, text)] }
    }
  }
}

/** `base+N`: the N-th revision counting from the single base (`base+0` is base itself). */
function resolveFromBase<T extends RevisionNode>(graph: RevisionGraph<T>, steps: number, text: string): ResolvedTarget {
  if (steps === 0) return { kind: 'base' }
  const bases = graph.bases()
  if (steps < 0 || bases.length === 0) {
    throw new RelativeOutOfRange(text, steps < 0 ? 'down' : 'up', Math.abs(steps), 0, undefined, `Cannot resolve "${text}": there is nothing before "base"`, { from: 'base' })
  }
  if (bases.length > 1) {
    throw new AmbiguousRelativeTarget(text, 'up', bases, bases.map((b) => walk(graph, b, steps - 1)),
      `Cannot resolve "${text}": there are ${bases.length} bases (${quote(bases)})`, { from: 'base' })
  }
  return { kind: 'revisions', ids: [resolveRelative(graph, bases[0] as string, steps - 1, text)] }
}
