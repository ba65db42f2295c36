/** The process entry of the CLI, shared by the npm bin and `deno run mod.ts`. */
import process from 'node:process'
import { main } from './main.ts'

/**
 * The process entry (bin and `deno run mod.ts`): runs the CLI and sets the exit code. A socket
 * the driver could not close (a server that accepted the connection and never answered keeps a
 * half-closed socket open) must not keep the process alive after the command has ended: if
 * anything still holds the event loop a second later, the process exits anyway.
 */
export async function runProcess(argv: string[]): Promise<void> {
  // `sqlmig upgrade --sql | head`: a reader that stops early is not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  })
  const code = await main(argv)
  process.exitCode = code
  setTimeout(() => process.exit(code), 1000).unref()
}
