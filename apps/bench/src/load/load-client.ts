// Runs the load generator in its own process, so it never shares an event loop with a server.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import type { LoadResult, LoadSpec } from './load-types.js'

/**
 * Runs autocannon against `spec.url` in a child process and resolves its result; rejects when the
 * run saw errors or non-2xx responses (a contender that fails requests has no throughput to report).
 */
export function runLoad(distDir: string, spec: LoadSpec): Promise<LoadResult> {
  const child = fork(join(distDir, 'load/autocannon-worker.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  })
  return new Promise((resolve, reject) => {
    let result: LoadResult | undefined
    child.once('message', (message) => (result = message as LoadResult))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (result === undefined)
        return reject(new Error(`autocannon exited with ${code} and no result`))
      const bad = result.non2xx + result.errors + result.timeouts
      if (bad > 0)
        return reject(
          new Error(
            `${spec.method} ${spec.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
          ),
        )
      resolve(result)
    })
  })
}
