/** A confusion matrix for a yes/no claim against the truth, with precision and recall (the corpus test and bench/lint-vs-squawk.ts). */
export interface Confusion {
  tp: number
  fp: number
  fn: number
  tn: number
}

export const confusion = (): Confusion => ({ tp: 0, fp: 0, fn: 0, tn: 0 })

export function tally(c: Confusion, claimed: boolean, truth: boolean): void {
  if (claimed && truth) c.tp++
  else if (claimed) c.fp++
  else if (truth) c.fn++
  else c.tn++
}

const percent = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`)
export const precision = (c: Confusion): string => percent(c.tp, c.tp + c.fp)
export const recall = (c: Confusion): string => percent(c.tp, c.tp + c.fn)
