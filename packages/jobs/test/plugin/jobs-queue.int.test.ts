// The jobs() plugin end to end on the real NATS server: a route enqueues through ctx.jobs in a web
// process; runWorkers consumes apps/<app>/jobs/*-job files with the app's services as ctx.
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { describe, expect, it, vi } from 'vitest'
import { createShutdown } from '@mega/observe'
import { boot, defineRoutes, type MegaConfigInput } from '@mega/core'
import { caught, disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { jobs, MegaJob, runWorkers, type JobsOptions } from '../../src/index.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'
const root = fileURLToPath(new URL('../fixtures/jobs-app', import.meta.url))

const quietShutdown = () =>
  createShutdown({
    process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
  })

function config(options: JobsOptions, withBus = true): MegaConfigInput {
  return {
    name: 'jobs-app',
    logger: { enabled: false },
    adapters: withBus ? { bus: { driver: 'nats', url } } : {},
    plugins: [jobs(options)],
  }
}

/** A unique stream prefix whose streams are deleted after the test. */
function streamPrefix(): string {
  const prefix = uniqueName('jp').toUpperCase()
  disposeAfterTest(async () => {
    const nc = await connect({ servers: url })
    const jsm = await jetstreamManager(nc)
    for (const name of [prefix, `${prefix}_DLQ`]) await jsm.streams.delete(name).catch(() => false)
    await nc.close()
  })
  return prefix
}

/** The enqueuing side's view of apps/main/jobs/record-job.mjs: the subject ('record') is what travels. */
class RecordJob extends MegaJob<{ n: number }> {
  run(): void {}
}

const routes = defineRoutes((r) => {
  r.post('/record/:n', async (ctx) => {
    const { seq } = await ctx.jobs.enqueue(RecordJob, { n: Number(ctx.params.n) })
    return { seq }
  })
})

describe.runIf(nats.available)('jobs() with a nats bus', () => {
  it('a request enqueues through ctx.jobs; mega worker runs the job with the app services', async () => {
    const options = { queue: { streamPrefix: streamPrefix() } }
    const web = await boot({
      root,
      config: config(options),
      apps: { main: { routes } },
      listen: false,
      typescript: false,
      shutdown: quietShutdown(),
    })
    disposeAfterTest(() => web.close())
    for (const n of [1, 2, 3]) {
      const res = await web.server.inject({ method: 'POST', url: `/record/${n}` })
      expect(res.json()).toEqual({ ok: true, data: { seq: n } })
    }

    const seen: number[] = []
    const workers = await runWorkers({
      root,
      signals: false,
      typescript: false,
      boot: {
        config: config(options),
        apps: { main: { services: { probe: { seen } } } },
        shutdown: quietShutdown(),
      },
    })
    disposeAfterTest(() => workers.close())
    expect(workers.jobs).toEqual(['main:record'])
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]), { timeout: 10_000 })
    await workers.close()
  })
})

describe('jobs() without a nats bus', () => {
  it('runs the jobs in process: a request enqueues, the same process runs the job', async () => {
    const seen: number[] = []
    const web = await boot({
      root,
      config: config({}, false),
      apps: { main: { routes, services: { probe: { seen } } } },
      listen: false,
      typescript: false,
      shutdown: quietShutdown(),
    })
    disposeAfterTest(() => web.close())
    for (const n of [4, 5]) {
      const res = await web.server.inject({ method: 'POST', url: `/record/${n}` })
      expect(res.statusCode).toBe(200)
    }
    await vi.waitFor(() => expect(seen).toEqual([4, 5]))
  })

  it('warns under NODE_ENV=production only for an app that uses the in-process queue', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    disposeAfterTest(() => (warn.mockRestore(), vi.unstubAllEnvs()))
    const memoryWarnings = () =>
      warn.mock.calls.filter((c) => JSON.stringify(c).includes('MEGA_JOBS_MEMORY_QUEUE'))
    const quiet = await boot({
      root: fileURLToPath(new URL('../fixtures/probe-app', import.meta.url)),
      config: { ...config({}, false), adapters: { lock: { driver: 'memory' } } },
      listen: false,
      typescript: false,
      shutdown: quietShutdown(),
    })
    disposeAfterTest(() => quiet.close())
    expect(memoryWarnings()).toHaveLength(0)
    const withJobs = await boot({
      root,
      config: config({}, false),
      apps: { main: { services: { probe: { seen: [] } } } },
      listen: false,
      typescript: false,
      shutdown: quietShutdown(),
    })
    disposeAfterTest(() => withJobs.close())
    expect(memoryWarnings()).toHaveLength(1)
  })

  it('refuses JetStream-only queue options at boot, naming them and the bus to add', async () => {
    const error = await caught(
      boot({
        root,
        config: config({ queue: { streamPrefix: 'X', maxDeliver: 3 } }, false),
        listen: false,
        typescript: false,
        shutdown: quietShutdown(),
      }),
    )
    expect(error.code).toBe('MEGA_BOOT_FAILED')
    expect(error.message).toContain('streamPrefix, maxDeliver are options of the JetStream queue')
    expect(error.message).toContain("adapters.bus = { driver: 'nats'")
  })
})
