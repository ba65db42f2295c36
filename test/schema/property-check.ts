import { random } from '../helpers/random.ts'
import { emptyState, edit, render } from './property.ts'
import { roundTrip, type Bench } from './harness.ts'

/**
 * The property: for random schema states A and B (B = A after 1-3 random edits), up turns A into
 * B and down turns it back. Returns the failures (with the seed and both schemas to replay them).
 */
export async function checkRandomEdits(bench: Bench, seeds: number[], steps: number): Promise<string[]> {
  const failures: string[] = []
  for (const seed of seeds) {
    const r = random(seed)
    const s = emptyState()
    for (let i = 0; i < 4; i++) edit(s, r)
    let before = render(s)
    for (let step = 0; step < steps; step++) {
      const k = 1 + Math.floor(r() * 3)
      for (let i = 0; i < k; i++) edit(s, r)
      const after = render(s)
      const { problems } = await roundTrip(bench, { name: `seed ${seed} step ${step}`, before, after })
      if (problems.length) failures.push(`seed ${seed} step ${step}\n--- before\n${before}\n--- after\n${after}\n${problems.join('\n')}`)
      before = after
    }
  }
  return failures
}
