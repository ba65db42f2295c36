/**
 * `history --graph`: the revision graph drawn like `git log --graph`, newest first. Each
 * revision gets a lane; a merge opens a lane per extra parent (`|\`), and lanes waiting for the
 * same parent join again (`|/`). `*` is an applied revision, `o` one that is not.
 */
import type { HistoryEntry } from './history.ts'

export interface GraphLine {
  /** The lane drawing ("| * |"). */
  art: string
  /** The revision this line shows, or undefined for a connector line. */
  entry: HistoryEntry | undefined
}

/** Lays out the entries (newest first, as history returns them) in lanes. */
export function drawGraph(entries: readonly HistoryEntry[]): GraphLine[] {
  const lines: GraphLine[] = []
  let lanes: string[] = []
  for (const entry of entries) {
    let at = lanes.indexOf(entry.revision)
    if (at < 0) {
      lanes.push(entry.revision)
      at = lanes.length - 1
    }
    // Lanes that wait for this same revision (it is a branch point) join it first.
    const joining = lanes.map((l, i) => (i !== at && l === entry.revision ? i : -1)).filter((i) => i >= 0)
    if (joining.length > 0) {
      const kept = lanes.filter((_, i) => !joining.includes(i))
      lines.push({ art: `${kept.map(() => '|').join(' ')}${'/'.repeat(joining.length)}`, entry: undefined })
      lanes = kept
      at = lanes.indexOf(entry.revision)
    }
    lines.push({ art: lanes.map((_, i) => (i === at ? (entry.applied ? '*' : 'o') : '|')).join(' '), entry })
    const parents = entry.down_revision
    if (parents.length === 0) {
      lanes.splice(at, 1)
      continue
    }
    const extra = parents.slice(1).filter((p) => !lanes.includes(p))
    lanes[at] = parents[0]!
    if (extra.length > 0) {
      lines.push({ art: `${lanes.slice(0, at + 1).map(() => '|').join(' ')}${'\\'.repeat(extra.length)}${lanes.slice(at + 1).map(() => ' |').join('')}`, entry: undefined })
      lanes.splice(at + 1, 0, ...extra)
    }
  }
  return lines
}
