import { runPgliteCorpusShard } from './corpus-pglite-shard.ts'

await runPgliteCorpusShard(2, 3)
