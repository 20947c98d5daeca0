// A job queue in its own process (one per contender): the producer and the consumer of one queue
// kind, on one clock, so enqueue → start is measured without clock skew.
import { performance } from 'node:perf_hooks'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { bullmqQueue, jetstreamQueue, megaQueue, type QueueFactory } from './jobs-queues.js'
import type { JobsMessage, JobsRoundCommand, JobsRoundResult, JobsSpec } from './jobs-types.js'

/** A round with no job started for this long failed (a lost job would otherwise hang it). */
const STALL_MS = 30_000

const spec = JSON.parse(process.argv[2] ?? '{}') as JobsSpec

function send(message: JobsMessage): void {
  process.send?.(message)
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** Enqueues `jobs` jobs with `window` enqueues in flight; resolves when the last one resolved. */
async function enqueueAll(
  enqueue: (i: number) => Promise<void>,
  jobs: number,
  window: number,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < jobs) await enqueue(next++)
  }
  await Promise.all(Array.from({ length: Math.min(window, jobs) }, lane))
}

async function round(factory: QueueFactory, c: JobsRoundCommand): Promise<JobsRoundResult> {
  const latencies = new Float64Array(c.jobs)
  let started = 0
  let lastStart = 0
  let finish!: () => void
  const allStarted = new Promise<void>((resolve) => (finish = resolve))
  const seen = new Uint8Array(c.jobs)
  const queue = await factory(c.name, c.concurrency, ({ i, t }) => {
    if (seen[i] === 1) return // at least once: a redelivery is not a second job
    seen[i] = 1
    lastStart = performance.now()
    latencies[started++] = lastStart - t
    if (started === c.jobs) finish()
  })
  try {
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    await enqueueAll((i) => queue.enqueue({ i, t: performance.now() }), c.jobs, c.window)
    const enqueued = performance.now()
    let timer: NodeJS.Timeout | undefined
    let last = -1
    const stalled = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (started === last)
          reject(
            new Error(
              `${spec.kind}: ${started} of ${c.jobs} jobs started, then none for ${STALL_MS / 1000} s`,
            ),
          )
        last = started
      }, STALL_MS)
    })
    await Promise.race([allStarted, stalled]).finally(() => clearInterval(timer))
    const { user, system } = process.cpuUsage(cpu)
    latencies.sort()
    return {
      type: 'round',
      jobs: c.jobs,
      enqueueSeconds: (enqueued - t0) / 1000,
      processSeconds: (lastStart - t0) / 1000,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      cpuMicros: user + system,
    }
  } finally {
    await queue.close()
  }
}

async function main(): Promise<void> {
  let nc: NatsConnection | undefined
  let factory: QueueFactory
  if (spec.kind === 'bullmq') factory = bullmqQueue(spec.redisUrl)
  else {
    nc = await connect({ servers: spec.natsUrl, name: `bench-jobs-${spec.kind}` })
    factory = spec.kind === 'mega' ? megaQueue(nc) : jetstreamQueue(nc)
  }
  process.on('message', (message: JobsRoundCommand | { type: 'close' }) => {
    if (message.type === 'close') {
      void (nc?.close() ?? Promise.resolve()).finally(() => process.exit(0))
      return
    }
    round(factory, message).then(send, (err: unknown) =>
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
  })
  process.once('disconnect', () => process.exit(0))
  send({ type: 'ready' })
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  process.exit(1)
})
