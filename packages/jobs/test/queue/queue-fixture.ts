import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import { disposeAfterTest, uniqueName } from '@mega/test-utils'
import {
  MegaJobQueue,
  type JobQueue,
  type JobQueueEventMap,
  type JobQueueEventName,
  type MegaJobQueueConfig,
} from '../../src/index.js'

/** Opens a connection closed after the test. */
export async function openConnection(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url })
  disposeAfterTest(() => nc.close())
  return nc
}

/** A queue on a unique stream prefix whose streams are deleted after the test. */
export async function openQueue(
  url: string,
  config: Partial<MegaJobQueueConfig> = {},
): Promise<MegaJobQueue> {
  const nc = config.nc ?? (await openConnection(url))
  const streamPrefix = config.streamPrefix ?? uniqueName('jq').toUpperCase()
  const queue = new MegaJobQueue({ ackWaitMs: 2000, ...config, nc, streamPrefix })
  disposeAfterTest(async () => {
    const cleanup = await connect({ servers: url })
    const jsm = await jetstreamManager(cleanup)
    for (const name of [streamPrefix, `${streamPrefix}_DLQ`])
      await jsm.streams.delete(name).catch(() => false)
    await cleanup.close()
  })
  return queue
}

/** Records every event of `queue`; `next(event, n)` resolves once n of that event arrived. */
export function recordEvents(queue: JobQueue) {
  const events: { event: JobQueueEventName; payload: unknown }[] = []
  const waiters: { event: JobQueueEventName; n: number; resolve: () => void }[] = []
  const count = (event: JobQueueEventName) => events.filter((e) => e.event === event).length
  for (const event of ['start', 'done', 'retry', 'fail', 'dlq'] as const)
    queue.on(event, (payload: unknown) => {
      events.push({ event, payload })
      for (const w of waiters.filter((w) => count(w.event) >= w.n)) w.resolve()
    })
  function of<K extends JobQueueEventName>(event: K): JobQueueEventMap[K][0][] {
    return events.filter((e) => e.event === event).map((e) => e.payload as JobQueueEventMap[K][0])
  }
  function next<K extends JobQueueEventName>(event: K, n = 1): Promise<JobQueueEventMap[K][0][]> {
    if (count(event) >= n) return Promise.resolve(of(event))
    return new Promise((resolve) => waiters.push({ event, n, resolve: () => resolve(of(event)) }))
  }
  return { events, of, next, names: () => events.map((e) => e.event) }
}
