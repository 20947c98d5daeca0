// The load generator's own process: runs autocannon once and sends the result to the parent.
import autocannon from 'autocannon'
import type { LoadResult, LoadSpec } from './load-types.js'

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
const result = await autocannon({
  url: spec.url,
  method: spec.method,
  ...(spec.body === undefined ? {} : { body: spec.body }),
  headers: { ...spec.headers },
  connections: spec.connections,
  pipelining: spec.pipelining,
  duration: spec.durationSec,
})
const out: LoadResult = {
  requests: result.requests.total,
  durationSec: result.duration,
  rps: result.requests.total / result.duration,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
}
process.send?.(out, () => process.disconnect())
