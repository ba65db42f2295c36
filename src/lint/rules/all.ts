/** Every lint rule, in the order findings of one statement are listed. */
import type { Rule } from '../lint-model.ts'
import { cluster, dropIndexNotConcurrent, indexNotConcurrent, lockTable, lockTimeout, reindexNotConcurrent, severalExclusiveLocks, truncate, vacuumFull } from './locking.ts'
import { addColumnGenerated, addColumnVolatileDefault, alterColumnType, constraintNotValid, drop, rename, setNotNull, uniqueWithoutIndex, validateSameTransaction } from './schema-changes.ts'
import { backfillWithDdl, enumValueSameTransaction, notInTransaction } from './transactions.ts'

export const RULES: readonly Rule[] = [
  notInTransaction,
  indexNotConcurrent,
  dropIndexNotConcurrent,
  reindexNotConcurrent,
  constraintNotValid,
  validateSameTransaction,
  setNotNull,
  addColumnVolatileDefault,
  alterColumnType,
  uniqueWithoutIndex,
  addColumnGenerated,
  rename,
  drop,
  enumValueSameTransaction,
  vacuumFull,
  cluster,
  lockTable,
  truncate,
  backfillWithDdl,
  lockTimeout,
  severalExclusiveLocks,
]

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id)
