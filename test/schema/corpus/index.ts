import type { CorpusCase } from '../harness.ts'
import { CONSTRAINT_CASES } from './constraints.ts'
import { EDGE_CASES, MORE_CASES, ROUTINE_EDGE_CASES, SWAP_CASES } from './edge.ts'
import { INTERACTION_CASES } from './interactions.ts'
import { ROUTINE_CASES } from './routines.ts'
import { SECURITY_CASES } from './security.ts'
import { COMPOSITE_CASES, PARTITION_CASES, TABLE_CASES } from './tables.ts'
import { TYPE_CASES } from './types.ts'
import { VIEW_CASES } from './views.ts'

/** Every corpus case: before/after pairs of declared schema. */
export const CORPUS: CorpusCase[] = [
  ...TABLE_CASES, ...PARTITION_CASES, ...COMPOSITE_CASES, ...CONSTRAINT_CASES, ...TYPE_CASES, ...VIEW_CASES, ...ROUTINE_CASES, ...SECURITY_CASES, ...INTERACTION_CASES, ...EDGE_CASES, ...ROUTINE_EDGE_CASES, ...SWAP_CASES, ...MORE_CASES,
]
