import { runPostgresCorpusShard } from './corpus-postgres-shard.ts'

await runPostgresCorpusShard(1, 2)
