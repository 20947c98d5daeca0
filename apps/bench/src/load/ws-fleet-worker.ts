// A fleet of WebSocket clients in its own process (so the server's CPU is not shared with the
// measuring side): connects them, then on command publishes and times every delivery.
import { performance } from 'node:perf_hooks'
import type { FanoutPayload } from '../servers/fanout-payload.js'
import { connectClient, type FleetClient } from './fleet-clients.js'
import type { FanoutCommand, FanoutResult, FleetMessage, FleetSpec } from './fleet-types.js'

/** Clients connecting at once: more would overflow the server's accept backlog. */
const CONNECT_BATCH = 100
/** A run with no delivery for this long failed (a lost message would otherwise hang it). */
const STALL_MS = 10_000
const TEXT = 'fan-out benchmark message: a line of chat or a notification of ~100 bytes'

const spec = JSON.parse(process.argv[2] ?? '{}') as FleetSpec

function send(message: FleetMessage): void {
  process.send?.(message)
}

/** Latencies of one run, appended without reallocating on every delivery. */
class Samples {
  private values = new Float64Array(1 << 16)
  length = 0
  push(x: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2)
      bigger.set(this.values)
      this.values = bigger
    }
    this.values[this.length++] = x
  }
  percentile(p: number): number {
    if (this.length === 0) return Number.NaN
    const sorted = this.values.subarray(0, this.length).sort()
    return sorted[Math.min(this.length - 1, Math.floor((p / 100) * this.length))] ?? Number.NaN
  }
}

/** What the clients' tick handler feeds while a run is on; `undefined` between runs. */
let onTick: ((payload: FanoutPayload) => void) | undefined
const receivers: FleetClient[] = []
let publisher: FleetClient | undefined

async function connectAll(): Promise<void> {
  const tick = (payload: FanoutPayload) => onTick?.(payload)
  for (let done = 0; done < spec.clients; done += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, spec.clients - done)
    const clients = await Promise.all(
      Array.from({ length: batch }, () => connectClient(spec.kind, spec.url, tick)),
    )
    receivers.push(...clients)
  }
  if (spec.publisher) publisher = await connectClient(spec.kind, spec.url, () => undefined)
}

/**
 * Publishes for `durationSec`, keeping `window` broadcasts in flight: the next one goes out when one
 * has reached every client (a closed loop, so the server's queues stay bounded and the latency is
 * the fan-out's, not an ever-growing backlog's).
 */
function fanout(command: FanoutCommand): Promise<FanoutResult> {
  const pub = publisher
  if (pub === undefined) return Promise.reject(new Error('this fleet has no publisher'))
  const n = receivers.length
  const counts: number[] = []
  const latencies = new Samples()
  let nextSeq = 0
  let inFlight = 0
  let deliveries = 0
  let lastDelivery = 0
  const start = performance.now()
  const deadline = start + command.durationSec * 1000
  return new Promise((resolve, reject) => {
    let stall: NodeJS.Timeout | undefined
    const armStall = () => {
      clearTimeout(stall)
      stall = setTimeout(() => {
        onTick = undefined
        const missing = counts.reduce((sum, c) => sum + (n - c), 0)
        reject(new Error(`${missing} deliveries missing after ${STALL_MS} ms without one`))
      }, STALL_MS)
    }
    const publishMore = () => {
      while (inFlight < command.window && performance.now() < deadline) {
        counts.push(0)
        inFlight++
        pub.publish({ seq: nextSeq++, t: performance.now(), text: TEXT })
      }
      if (inFlight > 0) return
      clearTimeout(stall)
      onTick = undefined
      resolve({
        type: 'fanout',
        published: nextSeq,
        deliveries,
        seconds: (lastDelivery - start) / 1000,
        latencyP50Ms: latencies.percentile(50),
        latencyP99Ms: latencies.percentile(99),
      })
    }
    onTick = (payload) => {
      lastDelivery = performance.now()
      latencies.push(lastDelivery - payload.t)
      deliveries++
      const count = (counts[payload.seq] ?? 0) + 1
      counts[payload.seq] = count
      if (count < n) return
      inFlight--
      armStall()
      publishMore()
    }
    armStall()
    publishMore()
  })
}

process.on('message', (command: FanoutCommand | { type: 'close' }) => {
  if (command.type === 'close') {
    for (const client of [...receivers, ...(publisher === undefined ? [] : [publisher])])
      client.close()
    // let the close frames go out, then leave
    setTimeout(() => process.exit(0), 200)
    return
  }
  fanout(command).then(send, (err: unknown) =>
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  )
})
process.once('disconnect', () => process.exit(0))

connectAll().then(
  () => send({ type: 'ready' }),
  (err: unknown) => {
    send({
      type: 'error',
      message: `connecting: ${err instanceof Error ? err.message : String(err)}`,
    })
    setTimeout(() => process.exit(1), 100)
  },
)
