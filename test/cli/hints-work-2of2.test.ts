import { runHintCases } from './hints-work-cases.ts'

runHintCases(2, 2)
