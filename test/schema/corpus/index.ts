import type { CorpusCase } from '../harness.ts'
import { CAST_CASES, OPERATOR_CASES } from './casts-operators.ts'
import { CONSTRAINT_CASES } from './constraints.ts'
import { DEPENDENCY_CASES, DEPENDENCY_MORE_CASES, DEPENDENCY_RECREATE_CASES } from './dependencies.ts'
import { EDGE_CASES, MORE_CASES, ROUTINE_EDGE_CASES, SWAP_CASES } from './edge.ts'
import { FOREIGN_DATA_CASES } from './foreign-data.ts'
import { INHERITANCE_CASES, INHERITANCE_CHANGE_CASES } from './inheritance.ts'
import { INTERACTION_CASES } from './interactions.ts'
import { PRIVILEGE_CASES } from './privileges.ts'
import { PUBLICATION_CASES } from './publications.ts'
import { AGGREGATE_CASES, EVENT_TRIGGER_CASES, ROUTINE_CASES } from './routines.ts'
import { SECURITY_CASES } from './security.ts'
import { TEXT_SEARCH_CASES } from './text-search.ts'
import { COMPOSITE_CASES, PARTITION_CASES, TABLE_CASES } from './tables.ts'
import { COLLATION_CASES, RANGE_CASES, TYPE_CASES } from './types.ts'
import { RULE_CASES, VIEW_CASES } from './views.ts'

/** Every corpus case: before/after pairs of declared schema. */
export const CORPUS: CorpusCase[] = [
  ...TABLE_CASES, ...PARTITION_CASES, ...COMPOSITE_CASES, ...CONSTRAINT_CASES, ...TYPE_CASES, ...VIEW_CASES, ...ROUTINE_CASES, ...SECURITY_CASES, ...INTERACTION_CASES, ...EDGE_CASES, ...ROUTINE_EDGE_CASES, ...SWAP_CASES, ...MORE_CASES,
  ...PRIVILEGE_CASES, ...INHERITANCE_CASES, ...INHERITANCE_CHANGE_CASES, ...RANGE_CASES, ...AGGREGATE_CASES, ...COLLATION_CASES, ...RULE_CASES,
  ...EVENT_TRIGGER_CASES, ...PUBLICATION_CASES, ...FOREIGN_DATA_CASES, ...TEXT_SEARCH_CASES, ...CAST_CASES, ...OPERATOR_CASES,
  ...DEPENDENCY_CASES, ...DEPENDENCY_MORE_CASES, ...DEPENDENCY_RECREATE_CASES,
]
