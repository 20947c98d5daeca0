import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createShutdown, MegaError, type ShutdownCoordinator } from '@mega/observe'
import {
  BaseAdapter,
  MegaService,
  boot,
  definePlugin,
  defineRoutes,
  type AdapterHealth,
  type DriverDefinition,
  type MegaRuntime,
} from '../src/index.js'

const runtimes: MegaRuntime[] = []
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()))
})

function fakeShutdown(): { shutdown: ShutdownCoordinator; exit: ReturnType<typeof vi.fn> } {
  const exit = vi.fn()
  return {
    shutdown: createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit },
    }),
    exit,
  }
}

class TestDb extends BaseAdapter {
  readonly kind = 'db' as const
  static events: string[] = []
  protected async _connect(): Promise<void> {
    if (this.alias === 'broken') throw new Error('connection refused')
    TestDb.events.push(`connect ${this.alias}`)
  }
  protected async _disconnect(): Promise<void> {
    TestDb.events.push(`disconnect ${this.alias}`)
  }
  protected override async _health(): Promise<AdapterHealth> {
    return { ok: true }
  }
}

const testDriver: DriverDefinition = {
  name: 'testdb',
  kinds: ['db'],
  create: ({ alias }) => new TestDb('testdb', alias),
}

class CounterService extends MegaService {
  count = 0
  override async start(): Promise<void> {
    TestDb.events.push('start counter')
  }
  override async stop(): Promise<void> {
    TestDb.events.push('stop counter')
  }
  hit(): number {
    this.count += 1
    return this.count
  }
}

let release: () => void = () => undefined
const routes = defineRoutes((r) => {
  r.get('/count', (ctx) => ({
    n: (ctx.services.counter as CounterService).hit(),
    db: ctx.db<TestDb>().alias,
  }))
  r.get('/slow', async () => {
    await new Promise<void>((resolve) => (release = resolve))
    return { done: true }
  })
})

async function start(extra: Record<string, unknown> = {}): Promise<MegaRuntime> {
  const { shutdown } = fakeShutdown()
  const runtime = await boot({
    config: {
      name: 'test',
      logger: false,
      adapters: { db: { driver: 'testdb' }, cache: { driver: 'memory' } },
      ...extra,
    },
    apps: { main: { routes, services: { counter: CounterService } } },
    drivers: [testDriver],
    shutdown,
    listen: false,
    importer: () => Promise.resolve(undefined),
  })
  runtimes.push(runtime)
  return runtime
}

describe('boot', () => {
  it('connects adapters, starts services and serves routes with ctx.services and ctx.db()', async () => {
    TestDb.events = []
    const runtime = await start()
    expect((await runtime.server.inject('/count')).json()).toEqual({
      ok: true,
      data: { n: 1, db: 'db' },
    })
    expect((await runtime.server.inject('/count')).json().data.n).toBe(2)
    expect(TestDb.events).toEqual(['connect db', 'start counter'])
  })

  it('answers liveness and readiness, readiness listing each adapter', async () => {
    const runtime = await start()
    const live = await runtime.server.inject('/health/live')
    expect(live.statusCode).toBe(200)
    const ready = await runtime.server.inject('/health/ready')
    expect(ready.statusCode).toBe(200)
    expect(Object.keys(ready.json<{ data: { checks: object } }>().data.checks).sort()).toEqual([
      'adapter:cache',
      'adapter:db',
    ])
  })

  it('serves Prometheus text with HTTP metrics when metrics are enabled', async () => {
    const runtime = await start({ metrics: { enabled: true, serviceName: 'boot-test' } })
    await runtime.server.inject('/count')
    const res = await runtime.server.inject('/metrics')
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toMatch(/mega_http_requests_total\{[^}]*route="\/count"[^}]*\} 1/)
    expect(res.body).toContain('mega_http_request_duration_seconds_bucket')
  })

  it('closes in order: new requests get 503 while in-flight ones finish, then services, then adapters', async () => {
    TestDb.events = []
    const runtime = await start()
    const slow = runtime.server.inject('/slow')
    await vi.waitFor(() => expect(release).not.toBe(undefined))
    await new Promise((r) => setTimeout(r, 10))
    const closing = runtime.close()
    const rejected = await runtime.server.inject('/count')
    expect(rejected.statusCode).toBe(503)
    expect(rejected.json().error.code).toBe('MEGA_UNAVAILABLE')
    expect((await runtime.server.inject('/health/ready')).statusCode).toBe(503)
    release()
    expect((await slow).json()).toEqual({ ok: true, data: { done: true } })
    await closing
    expect(TestDb.events).toEqual(['connect db', 'start counter', 'stop counter', 'disconnect db'])
    await runtime.close()
    expect(TestDb.events.filter((e) => e.startsWith('disconnect'))).toHaveLength(1)
  })

  it('cuts a request still running at drainTimeoutMs and logs it, so a signal still exits 0', async () => {
    const lines: Record<string, unknown>[] = []
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
    )
    const exit = vi.fn()
    // A grace period the stalled request would outlast: before the cut, the hook timed out (exit 1).
    const shutdown = createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit },
    })
    shutdown.setupSignals({ gracePeriodMs: 3_000, globalErrorHandlers: false })
    const runtime = await boot({
      config: { name: 'stall', server: { port: 0, host: '127.0.0.1' } },
      apps: { main: { routes } },
      shutdown,
      logger,
      drainTimeoutMs: 100,
      importer: () => Promise.resolve(undefined),
    })
    runtimes.push(runtime)
    const stalled = fetch(`${runtime.url}/slow`).then(
      () => 'answered',
      (err: Error) => err.name,
    )
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'incoming request')).toBe(true))
    await shutdown.now({ signal: 'SIGTERM', exitCode: 0 })
    expect(exit).toHaveBeenCalledWith(0)
    expect(await stalled).toBe('TypeError') // fetch failed: the connection was closed
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'cut 1 request(s) still running after drainTimeoutMs',
        drainTimeoutMs: 100,
        requests: ['GET /slow'],
      }),
    )
  })

  it("gives plugins boot's health registry and the app's metrics", async () => {
    let healthy = true
    const probe = definePlugin({
      name: 'probe',
      setup(api) {
        api.health.register('probe', () => ({ ok: healthy }))
        api.metrics?.counter('probe_setups_total', { description: 'probe setups' }).add(1)
      },
    })
    const runtime = await boot({
      config: { name: 'probe', logger: false, metrics: { enabled: true }, plugins: [probe] },
      shutdown: fakeShutdown().shutdown,
      listen: false,
    })
    runtimes.push(runtime)
    const ready = () => runtime.server.inject('/health/ready')
    expect((await ready()).json()).toMatchObject({ data: { checks: { probe: { ok: true } } } })
    healthy = false
    expect((await ready()).statusCode).toBe(503)
    expect((await runtime.server.inject('/metrics')).body).toMatch(
      /^probe_setups_total\{[^}]*\} 1$/m,
    )
  })

  it('registers close with the shutdown coordinator, so a signal closes the runtime', async () => {
    TestDb.events = []
    const { shutdown, exit } = fakeShutdown()
    const runtime = await boot({
      config: { name: 'sig', logger: false, adapters: { db: { driver: 'testdb' } } },
      drivers: [testDriver],
      shutdown,
      listen: false,
    })
    expect(shutdown.registeredCount()).toBe(1)
    await shutdown.now({ signal: 'SIGTERM', exitCode: 0 })
    expect(TestDb.events).toContain('disconnect db')
    expect(exit).toHaveBeenCalledWith(0)
    await runtime.close()
  })

  it('reports a config with three mistakes in one error, before anything connects', async () => {
    TestDb.events = []
    const error = await boot({
      config: {
        server: { port: -1 },
        logger: { level: 'loud' },
        adapters: { db: { driver: '' } },
      } as never,
      drivers: [testDriver],
      listen: false,
    }).catch((e: unknown) => e)
    expect(MegaError.is(error, 'MEGA_BOOT_FAILED')).toBe(true)
    expect((error as MegaError).details).toEqual({ step: 'config' })
    expect((error as MegaError).issues).toHaveLength(3)
    expect(TestDb.events).toEqual([])
  })

  it('sets up the plugins and hands the settings and logger of mega.config to every service', async () => {
    const lines: string[] = []
    const seen: string[] = []
    class SettingsService extends MegaService {
      override async start() {
        this.log.info({ greeting: this.settings.greeting }, 'service ready')
      }
    }
    const stamp = definePlugin({
      name: 'stamp',
      setup: (api) => api.hook('onRequest', (ctx) => void seen.push(ctx.request.url)),
    })
    const { shutdown } = fakeShutdown()
    const runtime = await boot({
      config: { name: 'cfg', plugins: [stamp], settings: { greeting: 'hej' } },
      apps: { main: { routes, services: { settings: SettingsService } } },
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
      drivers: [testDriver],
      shutdown,
      listen: false,
      importer: () => Promise.resolve(undefined),
    })
    runtimes.push(runtime)
    expect(runtime.server.plugins).toEqual(['stamp'])
    await runtime.server.inject('/count')
    expect(seen).toEqual(['/count'])
    const ready = lines
      .map((l) => JSON.parse(l) as { msg?: string })
      .find((l) => l.msg === 'service ready')
    expect(ready).toMatchObject({ app: 'main', greeting: 'hej' })
    expect(Object.isFrozen(runtime.config.settings)).toBe(true)
  })

  it('refuses a plugins entry that is not a plugin, naming it', async () => {
    const error = await boot({
      config: { plugins: [{ name: 'half' }] } as never,
      listen: false,
    }).catch((e: unknown) => e)
    expect(MegaError.is(error, 'MEGA_BOOT_FAILED')).toBe(true)
    expect((error as MegaError).issues).toEqual([
      {
        path: 'config.plugins[0]',
        message: 'must be a plugin made with definePlugin({ name, setup })',
      },
    ])
  })

  it('closes what it opened and names the step when an adapter cannot connect', async () => {
    TestDb.events = []
    const { shutdown } = fakeShutdown()
    const error = await boot({
      config: {
        logger: false,
        adapters: { db: { driver: 'testdb' }, broken: { driver: 'testdb' } },
      },
      drivers: [testDriver],
      shutdown,
      listen: false,
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MEGA_BOOT_FAILED', details: { step: 'adapters' } })
    expect((error as Error).message).toMatch(/step "adapters".*broken \(connection refused\)/)
    expect(TestDb.events).toEqual(['connect db', 'disconnect db'])
    expect(shutdown.registeredCount()).toBe(0)
  })

  it('names the package to install for a driver whose package is missing', async () => {
    const error = await boot({
      config: { logger: false, adapters: { db: { driver: 'postgres' } } },
      listen: false,
      importer: () => Promise.resolve(undefined),
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MEGA_BOOT_FAILED', details: { step: 'adapters' } })
    expect((error as Error).message).toContain('pnpm add @mega/db')
  })

  it('loads routes and *-service files by convention from apps/<name>/ and listens on a real socket', async () => {
    const root = new URL('./fixtures/convention-app', import.meta.url).pathname
    const { shutdown } = fakeShutdown()
    const runtime = await boot({ root, shutdown })
    runtimes.push(runtime)
    expect(runtime.config.name).toBe('fixture')
    expect(Object.keys(runtime.server.apps[0]?.scope.services ?? {})).toEqual(['greeter'])
    const res = await fetch(`${runtime.url}/hello`)
    expect(await res.json()).toEqual({ ok: true, data: { greeting: 'hello, file' } })
  })

  it("gives plugins each app's scope and the modules of a folder of its own convention", async () => {
    const root = new URL('./fixtures/convention-app', import.meta.url).pathname
    const seen: { app: string; files: string[]; services: string[] }[] = []
    const probe = definePlugin({
      name: 'probe',
      async setup(api) {
        for (const app of api.apps) {
          const found = await app.loadModules('services', '-service')
          seen.push({
            app: app.name,
            files: found.map((m) => m.file.slice(root.length)),
            services: Object.keys(app.scope.services),
          })
          expect(await app.loadModules('schedules', '-schedule')).toEqual([])
        }
      },
    })
    const runtime = await boot({ root, shutdown: fakeShutdown().shutdown, plugins: [probe] })
    runtimes.push(runtime)
    expect(seen).toEqual([
      { app: 'main', files: ['/apps/main/services/greeter-service.mjs'], services: ['greeter'] },
    ])
  })
})

describe('boot as a cluster worker', () => {
  it('serves requests arriving while closing with connection: close instead of 503', async () => {
    const { shutdown } = fakeShutdown()
    const runtime = await boot({
      config: { name: 'worker', logger: false },
      apps: { main: { routes } },
      shutdown,
      listen: false,
      clusterWorker: true,
    })
    runtimes.push(runtime)
    const slow = runtime.server.inject('/slow')
    await new Promise((r) => setTimeout(r, 10))
    const closing = runtime.close()
    const during = await runtime.server.inject('/health/live')
    expect(during.statusCode).toBe(200)
    expect(during.headers.connection).toBe('close')
    release()
    expect((await slow).statusCode).toBe(200)
    await closing
  })

  it('shuts down through the coordinator on the cluster shutdown message', async () => {
    const { shutdown, exit } = fakeShutdown()
    const listeners: ((m: unknown) => void)[] = []
    const on = vi.spyOn(process, 'on').mockImplementation(((
      event: string,
      fn: (m: unknown) => void,
    ) => {
      if (event === 'message') listeners.push(fn)
      return process
    }) as typeof process.on)
    try {
      const runtime = await boot({
        config: { name: 'w2', logger: false },
        shutdown,
        listen: false,
        clusterWorker: true,
      })
      runtimes.push(runtime)
      expect(listeners).toHaveLength(1)
      listeners[0]?.({ type: 'mega:cluster:shutdown' })
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0))
    } finally {
      on.mockRestore()
    }
  })
})
