// What operators see of the jobs() plugin: its metrics on the app's /metrics, and its readiness
// check on /health/ready, against real NATS servers (the shared one, and a private one this suite
// kills and restarts).
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { describe, expect, it, vi } from 'vitest'
import { createShutdown } from '@mega/observe'
import { defineRoutes, type MegaConfigInput } from '@mega/core'
import {
  canStartNatsServer,
  disposeAfterTest,
  requireService,
  startNatsServer,
  uniqueName,
} from '@mega/test-utils'
import { jobs, MegaJob, runWorkers } from '../../src/index.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'
const root = fileURLToPath(new URL('../fixtures/ops-app', import.meta.url))
const hasServer = canStartNatsServer('the jobs() readiness tests (own nats-server)')

const quietShutdown = () =>
  createShutdown({
    process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
  })

/** The enqueuing side's view of apps/main/jobs/ops-job.mjs. */
class OpsJob extends MegaJob<{ n: number; fail?: boolean }> {
  run(): void {}
}

const routes = defineRoutes((r) => {
  r.post('/ops/:n', async (ctx) => {
    const fail = ctx.query.fail === '1'
    const { seq } = await ctx.jobs.enqueue(OpsJob, { n: Number(ctx.params.n), fail })
    return { seq }
  })
})

/** A unique stream prefix whose streams are deleted (on `serverUrl`) after the test. */
function streamPrefix(serverUrl: string): string {
  const prefix = uniqueName('jo').toUpperCase()
  disposeAfterTest(async () => {
    const nc = await connect({ servers: serverUrl })
    const jsm = await jetstreamManager(nc)
    for (const name of [prefix, `${prefix}_DLQ`]) await jsm.streams.delete(name).catch(() => false)
    await nc.close()
  })
  return prefix
}

/** A worker process (no listener) that also serves the routes, on the nats server at `serverUrl`. */
async function startWorkers(serverUrl: string, seen: unknown[], extra: MegaConfigInput = {}) {
  const config: MegaConfigInput = {
    name: 'ops-app',
    logger: { enabled: false },
    adapters: {
      bus: { driver: 'nats', url: serverUrl, reconnectWaitMs: 100, connectTimeoutMs: 1000 },
    },
    plugins: [jobs({ queue: { streamPrefix: streamPrefix(serverUrl), stopTimeoutMs: 2000 } })],
    ...extra,
  }
  const workers = await runWorkers({
    root,
    signals: false,
    typescript: false,
    boot: {
      config,
      apps: { main: { routes, services: { probe: { seen } } } },
      shutdown: quietShutdown(),
    },
  })
  disposeAfterTest(() => workers.close())
  return workers
}

const sample = (text: string, name: string, labels: string) =>
  new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]

describe.runIf(nats.available)('jobs() metrics', () => {
  it('a processed job and a dead-lettered one move the counters on the app /metrics', async () => {
    const seen: unknown[] = []
    const workers = await startWorkers(url, seen, { metrics: { enabled: true } })
    const server = workers.runtime.server
    expect((await server.inject({ method: 'POST', url: '/ops/1' })).statusCode).toBe(200)
    expect((await server.inject({ method: 'POST', url: '/ops/2?fail=1' })).statusCode).toBe(200)

    const job = 'job="ops"'
    let text = ''
    await vi.waitFor(
      async () => {
        text = (await server.inject('/metrics')).body
        expect(sample(text, 'mega_jobs_dead_lettered_total', job)).toBe('1')
        expect(sample(text, 'mega_jobs_completed_total', job)).toBe('1')
      },
      { timeout: 10_000 },
    )
    expect(sample(text, 'mega_jobs_enqueued_total', job)).toBe('2')
    expect(sample(text, 'mega_jobs_started_total', job)).toBe('2')
    expect(sample(text, 'mega_jobs_failed_total', job)).toBe('1')
    expect(sample(text, 'mega_jobs_retried_total', job)).toBe('1')
    expect(sample(text, 'mega_job_duration_seconds_count', `${job}[^}]*outcome="completed"`)).toBe(
      '1',
    )
    expect(sample(text, 'mega_job_duration_seconds_count', `${job}[^}]*outcome="failed"`)).toBe('1')
    expect(text).toMatch(/mega_jobs_enqueued_total\{[^}]*queue="JO/)
    expect(seen).toEqual([1, 2, 2])
  })
})

interface ReadyBody {
  readonly data?: { readonly checks: Record<string, { ok: boolean; consumers?: string[] }> }
  readonly error?: {
    readonly details: { readonly checks: Record<string, { ok: boolean; error?: string }> }
  }
}

describe.runIf(hasServer)('jobs() readiness (own nats-server)', () => {
  it('reports the consumers on /health/ready, fails while NATS is down, recovers after', async () => {
    const server = await startNatsServer({ jetstream: true })
    const workers = await startWorkers(server.url, [])
    const ready = async () => {
      const res = await workers.runtime.server.inject('/health/ready')
      return { status: res.statusCode, body: res.json<ReadyBody>() }
    }

    const up = await ready()
    expect(up.status).toBe(200)
    expect(up.body.data?.checks.jobs).toMatchObject({ ok: true, consumers: ['ops'] })

    await server.stop()
    await vi.waitFor(
      async () => {
        const down = await ready()
        expect(down.status).toBe(503)
        expect(down.body.error?.details.checks.jobs?.ok).toBe(false)
        expect(down.body.error?.details.checks.jobs?.error).toMatch(/nats bus "bus" is down/)
      },
      { timeout: 10_000 },
    )

    await server.start()
    await vi.waitFor(async () => expect((await ready()).status).toBe(200), { timeout: 10_000 })
  })
})
