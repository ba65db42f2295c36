import { runHintCases } from './hints-work-cases.ts'

runHintCases(1, 2)
