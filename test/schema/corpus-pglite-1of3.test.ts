import { runPgliteCorpusShard } from './corpus-pglite-shard.ts'

await runPgliteCorpusShard(1, 3)
