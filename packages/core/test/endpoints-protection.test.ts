import { afterEach, describe, expect, it } from 'vitest'
import { createShutdown, MegaError } from '@mega/observe'
import { boot, defineRoutes, type MegaRuntime } from '../src/index.js'

const runtimes: MegaRuntime[] = []
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()))
})

const routes = defineRoutes((r) => {
  r.get('/', () => 'hi')
})

const TOKEN = 'scrape-token-0123456789'
const PUBLIC = '203.0.113.9'

async function start(config: Record<string, unknown>): Promise<MegaRuntime> {
  const runtime = await boot({
    config: {
      name: 'endpoints',
      logger: false,
      adapters: { cache: { driver: 'memory' } },
      ...config,
      metrics: { enabled: true, ...(config.metrics as object | undefined) },
    },
    apps: { main: { routes } },
    shutdown: createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
    }),
    listen: false,
  })
  runtimes.push(runtime)
  return runtime
}

type Inject = { remoteAddress?: string; headers?: Record<string, string> }
const get = (runtime: MegaRuntime, url: string, options: Inject = {}) =>
  runtime.server.inject({ url, ...options })

describe('/metrics and health details', () => {
  it('in production without a token, answer only direct callers on loopback or private networks', async () => {
    const runtime = await start({ production: true })
    const outsider = await get(runtime, '/metrics', { remoteAddress: PUBLIC })
    expect(outsider.statusCode).toBe(403)
    expect(outsider.json().error.code).toBe('MEGA_FORBIDDEN')
    expect(outsider.body).not.toContain('mega_http')
    for (const remoteAddress of ['127.0.0.1', '10.1.2.3', '::ffff:192.168.1.5', '::1'])
      expect((await get(runtime, '/metrics', { remoteAddress })).statusCode).toBe(200)
    // Through a proxy on the same host, the peer is loopback but the caller is not.
    const proxied = await get(runtime, '/metrics', {
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': PUBLIC },
    })
    expect(proxied.statusCode).toBe(403)

    const ready = await get(runtime, '/health/ready', { remoteAddress: PUBLIC })
    expect([ready.statusCode, ready.json().data]).toEqual([200, { status: 'ok' }])
    const live = await get(runtime, '/health/live', { remoteAddress: PUBLIC })
    expect(live.json().data).toEqual({ status: 'ok' })
    const inside = await get(runtime, '/health/ready', { remoteAddress: '10.0.0.7' })
    const checks = inside.json<{ data: { checks: Record<string, unknown> } }>().data.checks
    expect(Object.keys(checks)).toContain('adapter:cache')
  })

  it('keeps the readiness status public when it fails, without the failing checks', async () => {
    const runtime = await start({ production: true })
    runtime.health.register('db:primary', () => ({
      ok: false,
      error: 'connection refused at 10.0.0.5',
    }))
    const res = await get(runtime, '/health/ready', { remoteAddress: PUBLIC })
    expect(res.statusCode).toBe(503)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_UNAVAILABLE',
      details: { status: 'fail' },
    })
    expect(res.body).not.toContain('10.0.0.5')
    const inside = await get(runtime, '/health/ready')
    expect(inside.json().error.details.checks['db:primary'].ok).toBe(false)
  })

  it('with a token, answer whoever sends it as a bearer token, and 401 to others', async () => {
    const runtime = await start({
      production: true,
      metrics: { token: TOKEN },
      health: { token: TOKEN },
    })
    const bearer = { authorization: `Bearer ${TOKEN}` }
    expect(
      (await get(runtime, '/metrics', { remoteAddress: PUBLIC, headers: bearer })).statusCode,
    ).toBe(200)
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
    ]
    for (const headers of attempts) {
      const res = await get(runtime, '/metrics', { remoteAddress: PUBLIC, headers })
      expect([res.statusCode, res.headers['www-authenticate']]).toEqual([401, 'Bearer'])
    }
    // A token replaces the private-network default: loopback needs it too.
    expect((await get(runtime, '/metrics')).statusCode).toBe(401)
    expect((await get(runtime, '/health/ready')).json().data).toEqual({ status: 'ok' })
    const detailed = await get(runtime, '/health/ready', { remoteAddress: PUBLIC, headers: bearer })
    expect(detailed.json().data.checks).toBeDefined()
  })

  it('with allow, let in the listed addresses by request.ip, which follows trustProxy', async () => {
    const runtime = await start({
      production: true,
      server: { trustProxy: true },
      metrics: { allow: ['198.51.100.0/24', '2001:db8::1'] },
    })
    const via = (ip: string) =>
      get(runtime, '/metrics', { remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': ip } })
    expect((await via('198.51.100.20')).statusCode).toBe(200)
    expect((await via('2001:db8::1')).statusCode).toBe(200)
    expect((await via(PUBLIC)).statusCode).toBe(403)
    expect((await get(runtime, '/metrics', { remoteAddress: '127.0.0.1' })).statusCode).toBe(403)
  })

  it('outside production, stay open as before', async () => {
    const runtime = await start({ production: false })
    expect((await get(runtime, '/metrics', { remoteAddress: PUBLIC })).statusCode).toBe(200)
    const ready = await get(runtime, '/health/ready', { remoteAddress: PUBLIC })
    expect(ready.json().data.checks).toBeDefined()
  })

  it('refuses a short token and an allow entry that is not an address or CIDR range', async () => {
    const failed = await start({
      metrics: { token: 'short', allow: ['10.0.0.0/33', 'example.com'] },
      health: { allow: ['10.0.0.1'] },
    }).catch((err: unknown) => err)
    expect(MegaError.is(failed, 'MEGA_BOOT_FAILED')).toBe(true)
    const paths = (failed as MegaError).issues?.map((i) => i.path).sort()
    expect(paths).toEqual([
      'config.metrics.allow[0]',
      'config.metrics.allow[1]',
      'config.metrics.token',
    ])
  })
})
