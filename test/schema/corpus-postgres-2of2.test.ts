import { runPostgresCorpusShard } from './corpus-postgres-shard.ts'

await runPostgresCorpusShard(2, 2)
