import { createServer, request, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, createShutdown } from '@mega/observe'
import {
  caught,
  disposeAfterTest,
  startOtlpReceiver,
  getStatusUntraced,
  type ReceivedSpan,
} from '@mega/test-utils'
import { boot, defineRoutes, type BootOptions, type MegaRuntime } from '../src/index.js'

// The caller's span: a request carrying this header continues its trace.
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`
const SERVER = 2
const CLIENT = 3

const OTEL_VARS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_PROPAGATORS',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SERVICE_NAME',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_EXPORTER',
] as const
const saved = new Map(OTEL_VARS.map((name) => [name, process.env[name]]))
beforeEach(() => OTEL_VARS.forEach((name) => delete process.env[name]))
afterEach(() =>
  saved.forEach((value, name) =>
    value === undefined ? delete process.env[name] : (process.env[name] = value),
  ),
)

/** A logger whose JSON lines land in `lines` (the app's own mixin: request id, trace ids). */
function capturedLogger(): {
  log: ReturnType<typeof createLogger>
  lines: Record<string, unknown>[]
} {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { log: createLogger({ level: 'info' }, { destination }), lines }
}

/** A downstream service that remembers the headers of each request it got. */
async function downstream(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    seen.push(req.headers)
    res.end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  disposeAfterTest(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** POST a JSON body over a real socket, in two chunks (the body is read after the hooks start). */
function postJson(url: string, body: unknown): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body)
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } })
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.flushHeaders()
    setTimeout(() => req.end(text), 50)
  })
}

async function bootTraced(downstreamUrl: string, log: ReturnType<typeof createLogger>) {
  const routes = defineRoutes((r) => {
    r.get('/users/:id', async (ctx) => {
      ctx.log.info('loading user')
      const answer = await fetch(`${downstreamUrl}/profile`)
      return { id: (ctx.params as { id: string }).id, profile: await answer.json() }
    })
  })
  return bootApp({ name: 'from-config', server: { port: 0 } }, routes, log)
}

/** Boots one app from `config` with the test's logger, away from the process's signals; closed after the test. */
async function bootApp(
  config: BootOptions['config'],
  routes: ReturnType<typeof defineRoutes>,
  log: ReturnType<typeof createLogger>,
): Promise<MegaRuntime> {
  const runtime = await boot({
    config,
    apps: { main: { routes } },
    logger: log,
    shutdown: createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
    }),
    importer: () => Promise.resolve(undefined),
  })
  disposeAfterTest(() => runtime.close())
  return runtime
}

describe('HTTP tracing with no code (OTEL_* variables)', () => {
  it('continues the caller trace: server span, fetch client span, logs with trace_id, all at an OTLP receiver', async () => {
    const receiver = await startOtlpReceiver()
    const profile = await downstream()
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url
    process.env.OTEL_SERVICE_NAME = 'traced-api'
    process.env.OTEL_TRACES_SAMPLER = 'parentbased_always_on'
    const { log, lines } = capturedLogger()
    const runtime = await bootTraced(profile.url, log)

    expect(
      await getStatusUntraced(`${runtime.url}/users/7?full=1`, { traceparent: TRACEPARENT }),
    ).toBe(200)
    await runtime.close() // flushes the batch of spans to the receiver

    const server = await receiver.waitForSpan((s) => s.kind === SERVER)
    expect(server).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
      name: 'GET /users/:id',
      serviceName: 'traced-api',
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/users/:id',
        'url.path': '/users/7',
        'url.query': 'full=1',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
      },
    })
    // The outgoing fetch: a client span under the server span, its traceparent on the request.
    const client = await receiver.waitForSpan((s: ReceivedSpan) => s.kind === CLIENT)
    expect(client).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: server.spanId })
    expect(profile.seen[0]?.traceparent).toBe(`00-${CALLER_TRACE}-${client.spanId}-01`)

    // Every line of the request (Fastify's own and the handler's) carries the trace and span id.
    const requestLines = lines.filter((line) => line.reqId !== undefined)
    expect(requestLines.map((line) => line.msg)).toEqual([
      'incoming request',
      'loading user',
      'request completed',
    ])
    for (const line of requestLines)
      expect(line).toMatchObject({ trace_id: CALLER_TRACE, span_id: server.spanId })
  })

  it('traces from the config alone: a body read from the socket, a thrown error, a 404, a bad URL', async () => {
    const receiver = await startOtlpReceiver()
    const { log, lines } = capturedLogger()
    const routes = defineRoutes((r) => {
      r.post('/orders', (ctx) => {
        ctx.log.info('order placed')
        return { ok: true }
      })
      r.get('/boom', () => {
        throw new Error('boom')
      })
    })
    const runtime = await bootApp(
      {
        name: 'shop',
        server: { port: 0 },
        tracing: {
          enabled: true,
          exporter: 'otlp',
          otlpUrl: `${receiver.url}/v1/traces`,
          sampler: 'always_on',
        },
      },
      routes,
      log,
    )
    expect(await postJson(`${runtime.url}/orders`, { n: 1 })).toBe(200)
    expect((await runtime.server.inject('/boom')).statusCode).toBe(500)
    expect((await runtime.server.inject('/missing')).statusCode).toBe(404)
    expect((await runtime.server.inject('/bad%zzurl')).statusCode).toBe(400) // a router error
    await runtime.close()

    const post = await receiver.waitForSpan((s) => s.name === 'POST /orders')
    const boom = await receiver.waitForSpan((s) => s.name === 'GET /boom')
    const missing = await receiver.waitForSpan((s) => s.name === 'GET')
    expect(post.serviceName).toBe('shop')
    expect(boom).toMatchObject({
      statusCode: 2,
      attributes: { 'http.response.status_code': 500, 'error.type': 'Error' },
    })
    expect(missing.attributes['http.response.status_code']).toBe(404)
    expect(missing.attributes['http.route']).toBeUndefined()
    const badUrl = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/bad%zzurl')
    expect(badUrl.attributes['http.response.status_code']).toBe(400)
    const rejected = lines.find((line) => line.msg === 'request rejected')
    expect(rejected).toMatchObject({ trace_id: badUrl.traceId, span_id: badUrl.spanId })
    const placed = lines.find((line) => line.msg === 'order placed')
    expect(placed).toMatchObject({ trace_id: post.traceId, span_id: post.spanId })
  })

  it('fails boot at the observability step when an OTEL_* variable cannot be used', async () => {
    process.env.OTEL_TRACES_EXPORTER = 'zipkin'
    const err = await caught(boot({ config: { name: 'bad' }, listen: false }))
    expect(err.code).toBe('MEGA_BOOT_FAILED')
    expect(err.details).toEqual({ step: 'observability' })
    expect(err.issues?.map((issue) => issue.path)).toEqual(['OTEL_TRACES_EXPORTER'])
  })

  /** The caller's trace context and baggage, as an upstream service would send them. */
  const CALLER_HEADERS = { traceparent: TRACEPARENT, baggage: 'tenant=acme' }

  /**
   * Boots the traced app with `env` on top of an OTLP endpoint, sends one request (with `headers`)
   * that fetches downstream, and closes the app: the receiver, the downstream and the log lines.
   */
  async function tracedCall(env: Record<string, string>, headers?: Record<string, string>) {
    const receiver = await startOtlpReceiver()
    const profile = await downstream()
    Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env })
    const { log, lines } = capturedLogger()
    const runtime = await bootTraced(profile.url, log)
    expect(await getStatusUntraced(`${runtime.url}/users/1`, headers)).toBe(200)
    await runtime.close()
    return { receiver, profile, lines }
  }

  it('puts OTEL_RESOURCE_ATTRIBUTES on the resource of every span; OTEL_SERVICE_NAME wins over its service.name', async () => {
    const { receiver, lines } = await tracedCall({
      OTEL_SERVICE_NAME: 'named-api',
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=ignored, team=payments ,region=eu%2Cwest%3D1,deployment.environment.name=staging',
    })

    const server = await receiver.waitForSpan((s) => s.kind === SERVER)
    const client = await receiver.waitForSpan((s) => s.kind === CLIENT)
    for (const span of [server, client])
      expect(span.resource).toMatchObject({
        'service.name': 'named-api',
        team: 'payments',
        region: 'eu,west=1', // percent-decoded, trimmed
        'deployment.environment.name': 'staging',
      })
    expect(lines.filter((line) => line.level === 40)).toEqual([])
  })

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES over the config name when OTEL_SERVICE_NAME is unset', async () => {
    const { receiver } = await tracedCall({
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes',
    })
    expect((await receiver.waitForSpan((s) => s.kind === SERVER)).serviceName).toBe(
      'from-attributes',
    )
  })

  it('discards a malformed OTEL_RESOURCE_ATTRIBUTES whole with one coded warning, and still serves', async () => {
    const { receiver, lines } = await tracedCall({
      OTEL_SERVICE_NAME: 'lenient-api',
      OTEL_RESOURCE_ATTRIBUTES: 'team=payments,region',
    })

    const server = await receiver.waitForSpan((s) => s.kind === SERVER)
    expect(server.serviceName).toBe('lenient-api')
    expect(server.resource.team).toBeUndefined()
    const warnings = lines.filter((line) => line.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      code: 'MEGA_TRACING_ENV_IGNORED',
      variable: 'OTEL_RESOURCE_ATTRIBUTES',
    })
    expect(warnings[0]?.msg).toContain('"region" is not key=value')
  })

  it('continues an incoming traceparent and sends baggage on to fetch by default (tracecontext,baggage)', async () => {
    const { receiver, profile } = await tracedCall({}, CALLER_HEADERS)

    expect((await receiver.waitForSpan((s) => s.kind === SERVER)).traceId).toBe(CALLER_TRACE)
    expect(profile.seen[0]?.traceparent).toContain(CALLER_TRACE)
    expect(profile.seen[0]?.baggage).toBe('tenant=acme')
  })

  it('OTEL_PROPAGATORS=none: an incoming traceparent starts no continuation and fetch gets no headers', async () => {
    const { receiver, profile, lines } = await tracedCall(
      { OTEL_PROPAGATORS: 'none' },
      CALLER_HEADERS,
    )

    const server = await receiver.waitForSpan((s) => s.kind === SERVER)
    expect(server.traceId).not.toBe(CALLER_TRACE)
    expect(server.parentSpanId).toBeUndefined()
    // The fetch still gets its client span, in the new trace, but nothing is sent on.
    expect((await receiver.waitForSpan((s) => s.kind === CLIENT)).traceId).toBe(server.traceId)
    expect(profile.seen[0]?.traceparent).toBeUndefined()
    expect(profile.seen[0]?.baggage).toBeUndefined()
    expect(lines.filter((line) => line.level === 40)).toEqual([])
  })

  it('OTEL_PROPAGATORS=tracecontext,b3: one warning naming the package, W3C trace context still continued, no baggage', async () => {
    const { receiver, profile, lines } = await tracedCall(
      { OTEL_PROPAGATORS: 'tracecontext,b3' },
      CALLER_HEADERS,
    )

    expect((await receiver.waitForSpan((s) => s.kind === SERVER)).traceId).toBe(CALLER_TRACE)
    expect(profile.seen[0]?.traceparent).toContain(CALLER_TRACE)
    expect(profile.seen[0]?.baggage).toBeUndefined()
    const warnings = lines.filter((line) => line.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      code: 'MEGA_TRACING_ENV_IGNORED',
      variable: 'OTEL_PROPAGATORS',
    })
    expect(warnings[0]?.msg).toContain('@opentelemetry/propagator-b3')
  })
})
