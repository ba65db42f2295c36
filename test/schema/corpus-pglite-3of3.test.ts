import { runPgliteCorpusShard } from './corpus-pglite-shard.ts'

await runPgliteCorpusShard(3, 3)
