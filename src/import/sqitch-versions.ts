/**
 * The version of each sqitch change, one rule for the plan (`import`) and for the rows of
 * sqitch.changes (`adopt`): the first appearance of a name is the name; a change reworked with
 * `sqitch rework` appears again, and that appearance is `name@tag`, tag being the first tag on a
 * change from its previous appearance (included) to it (excluded) — the tag `sqitch rework`
 * names in its dependency `[name@tag]`.
 */

/** A change in plan (deploy) order, with the tags placed right after it, without their "@". */
export interface SqitchStep {
  name: string
  tags: readonly string[]
}

export interface SqitchVersion {
  version: string
  /** Index of the previous appearance when no tag lies between it and this one (sqitch refuses such a plan; the version says "untagged"). */
  untaggedAfter?: number
}

export function sqitchVersions(changes: readonly SqitchStep[]): SqitchVersion[] {
  const last = new Map<string, number>()
  return changes.map((c, i) => {
    const before = last.get(c.name)
    last.set(c.name, i)
    if (before === undefined) return { version: c.name }
    const tag = changes.slice(before, i).flatMap((x) => x.tags)[0]
    return tag === undefined ? { version: `${c.name}@untagged`, untaggedAfter: before } : { version: `${c.name}@${tag}` }
  })
}
