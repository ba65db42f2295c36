/**
 * `npm run bench [-- options]`: see bench/README.md.
 *   --n 100,1000     migration counts (default 100,1000); --big adds 10000
 *   --runs 3         runs per cell (median shown)
 *   --target server,pglite
 *   --no-peers       skip dbmate and node-pg-migrate
 *   --url URL        a database on the server (default SQLMIG_BENCH_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   --peers-dir DIR  where the peers are installed (default: <tmp>/sqlmig-bench-peers)
 *   --json FILE      also write every sample as JSON
 */
import { writeFileSync } from 'node:fs'
import process from 'node:process'
import { type BenchOptions, type BenchTarget, checkTargets, describeRun, renderTable, runBench } from './bench.ts'
import { defaultPeersDir } from './peers.ts'

function parse(argv: string[]): BenchOptions & { json: string | undefined } {
  const o: BenchOptions & { json: string | undefined } = {
    ns: [100, 1000],
    runs: 3,
    targets: ['server', 'pglite'],
    peers: true,
    serverUrl: process.env.SQLMIG_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    peersDir: defaultPeersDir(),
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
    json: undefined,
  }
  let big = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--n') o.ns = value().split(',').map((s) => Number(s.replace(/_/g, '')))
    else if (a === '--runs') o.runs = Number(value())
    else if (a === '--target' || a === '--targets') o.targets = value().split(',') as BenchTarget[]
    else if (a === '--no-peers') o.peers = false
    else if (a === '--big') big = true
    else if (a === '--url') o.serverUrl = value()
    else if (a === '--peers-dir') o.peersDir = value()
    else if (a === '--json') o.json = value()
    else throw new Error(`Unknown option "${a}" (see bench/README.md)`)
  }
  if (big && !o.ns.includes(10000)) o.ns.push(10000)
  if (o.ns.some((n) => !Number.isInteger(n) || n < 1) || !(o.runs >= 1)) throw new Error('--n takes positive integers, --runs at least 1')
  if (o.targets.some((t) => t !== 'server' && t !== 'pglite')) throw new Error('--target takes server and/or pglite')
  return o
}

try {
  const options = parse(process.argv.slice(2))
  const result = await runBench(options)
  const text = [...describeRun(result), '', renderTable(result), '', 'targets:', ...checkTargets(result).map((l) => `- ${l}`)].join('\n')
  process.stdout.write(`${text}\n`)
  if (options.json) writeFileSync(options.json, JSON.stringify(result, null, 2))
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`)
  process.exitCode = 1
}
