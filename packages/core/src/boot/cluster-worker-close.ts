// How a cluster worker stops serving without failing a request: stop accepting first, let every
// open connection end on its own (each response now says `connection: close`), then close.
import net from 'node:net'
import type { Server } from 'node:http'
import type { Logger } from 'pino'
import type { MegaServer } from '../app/mega-server.js'
import type { PrimaryLink } from '../cluster/cluster-worker.js'
import type { RequestDrain } from './drain.js'

/**
 * How long idle keep-alive connections are left to their clients once no request is in flight: a
 * client that sends on one in this time gets its answer with `connection: close`; after it, idle
 * ones are closed (a client writing at that very moment would see a reset: HTTP/1.1's own race).
 */
export const IDLE_CONNECTION_LINGER_MS = 1_000
const POLL_MS = 20

function connections(http: Server): Promise<number> {
  return new Promise((resolve) => http.getConnections((_error, count) => resolve(count)))
}

async function waitForConnections(http: Server, untilMs: number): Promise<void> {
  while ((await connections(http)) > 0 && Date.now() < untilMs)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
}

/**
 * Closes a cluster worker's server in order: (1) every response from now on carries
 * `connection: close`; (2) the listening socket is closed with `net.Server#close` (http's own close
 * would also drop idle keep-alive connections a client may be writing to), and with a MegaCluster
 * primary the worker waits for its acknowledgement, after which no connection can still be on its
 * way here; (3) in-flight requests finish (cut at `drainTimeoutMs`); (4) open connections end on
 * their own, idle ones are closed after {@link IDLE_CONNECTION_LINGER_MS}; (5) the server closes.
 */
export async function closeClusterWorker(
  server: MegaServer,
  drain: RequestDrain,
  options: { readonly drainTimeoutMs: number; readonly link?: PrimaryLink; readonly log: Logger },
): Promise<void> {
  const { drainTimeoutMs, link, log } = options
  const deadline = Date.now() + drainTimeoutMs
  const http = server.fastify.server
  const inFlight = drain.close(drainTimeoutMs)
  if (http.listening) net.Server.prototype.close.call(http)
  if (link !== undefined && !(await link.stoppedAccepting()))
    log.warn('the cluster primary did not acknowledge the close of the listening socket')
  const stalled = await inFlight
  if (stalled.length > 0) {
    log.warn(
      { drainTimeoutMs, requests: stalled.map((r) => `${r.method} ${r.url}`) },
      `cut ${stalled.length} request(s) still running after drainTimeoutMs`,
    )
    for (const request of stalled) request.raw.socket?.destroy()
  }
  await waitForConnections(http, Math.min(deadline, Date.now() + IDLE_CONNECTION_LINGER_MS))
  http.closeIdleConnections()
  await waitForConnections(http, deadline)
  http.closeAllConnections()
  await server.close()
}
