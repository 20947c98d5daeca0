import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { caught, disposeAfterTest } from '@mega/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { MegaError } from '../src/errors.js'
import { startHttpServerSpan } from '../src/http-server-span.js'
import { initTracing, logMixin, shutdownTracing, tracer } from '../src/tracing.js'
import { readTracingEnv } from '../src/tracing-env.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const PARENT_ID = 'b7ad6b7169203331'
const sampled = (flags: string) => ({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-${flags}` })

afterEach(async () => {
  await shutdownTracing()
})

async function startInMemory(extra: Record<string, unknown> = {}): Promise<InMemorySpanExporter> {
  const memory = new InMemorySpanExporter()
  await initTracing({ spanProcessors: [new SimpleSpanProcessor(memory)], env: {}, ...extra })
  return memory
}

describe('readTracingEnv', () => {
  it('asks for nothing when no OTEL_* variable is set', () => {
    expect(readTracingEnv({})).toEqual({ enabled: false, warnings: [] })
  })

  it('turns tracing on with the otlp exporter when only an OTLP endpoint is set (the spec default)', () => {
    expect(readTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' })).toEqual({
      enabled: true,
      exporter: 'otlp',
      warnings: [],
    })
    expect(
      readTracingEnv({ OTEL_TRACES_EXPORTER: 'console', OTEL_SDK_DISABLED: 'true' }).enabled,
    ).toBe(false)
    expect(readTracingEnv({ OTEL_TRACES_EXPORTER: 'none' })).toEqual({
      enabled: false,
      exporter: 'none',
      warnings: [],
    })
  })

  it('reads the service name, sampler and ratio', () => {
    expect(
      readTracingEnv({
        OTEL_SERVICE_NAME: 'shop',
        OTEL_TRACES_EXPORTER: 'OTLP',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toEqual({
      enabled: true,
      serviceName: 'shop',
      exporter: 'otlp',
      sampler: 'traceidratio',
      sampleRatio: 0.25,
      warnings: [],
    })
  })

  it('lists every variable it cannot use in one MEGA_CONFIG_INVALID', () => {
    const err = caught(() =>
      readTracingEnv({
        OTEL_TRACES_EXPORTER: 'otlp,zipkin',
        OTEL_TRACES_SAMPLER: 'jaeger_remote',
        OTEL_TRACES_SAMPLER_ARG: '2',
      }),
    )
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.issues).toMatchInlineSnapshot(`
      [
        {
          "message": ""otlp,zipkin" is not supported: set one of none, console, otlp",
          "path": "OTEL_TRACES_EXPORTER",
        },
        {
          "message": ""jaeger_remote" is not supported: set one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio",
          "path": "OTEL_TRACES_SAMPLER",
        },
        {
          "message": ""2" is not a ratio: set a number from 0 to 1 (0.1 keeps one trace in ten)",
          "path": "OTEL_TRACES_SAMPLER_ARG",
        },
      ]
    `)
  })
})

describe('initTracing with OTEL_* variables', () => {
  it('takes the service name and sampler from the environment when options leave them out', async () => {
    const memory = await startInMemory({
      env: { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_SAMPLER: 'always_on' },
    })
    // always_on is not parent-based: it keeps a trace the caller did not sample.
    startHttpServerSpan({ method: 'GET', url: '/', route: '/', headers: sampled('00') }).end(200)
    const [span] = memory.getFinishedSpans()
    expect(span?.resource.attributes['service.name']).toBe('from-env')
  })

  it('lets options win over the environment', async () => {
    const memory = await startInMemory({
      serviceName: 'from-options',
      sampler: 'always_on',
      env: { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_SAMPLER: 'always_off' },
    })
    startHttpServerSpan({ method: 'GET', url: '/', route: '/', headers: {} }).end(200)
    const [span] = memory.getFinishedSpans()
    expect(span?.resource.attributes['service.name']).toBe('from-options')
  })

  it('follows the caller sampled flag with a parentbased sampler, whatever the ratio', async () => {
    const memory = await startInMemory({ serviceName: 's', sampleRatio: 0 })
    startHttpServerSpan({ method: 'GET', url: '/a', route: '/a', headers: sampled('01') }).end(200)
    startHttpServerSpan({ method: 'GET', url: '/b', route: '/b', headers: sampled('00') }).end(200)
    startHttpServerSpan({ method: 'GET', url: '/c', route: '/c', headers: {} }).end(200)
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['GET /a'])
  })

  it('needs a service name from the options or OTEL_SERVICE_NAME', async () => {
    const err = await caught(initTracing({ env: {} }))
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.message).toContain('OTEL_SERVICE_NAME')
  })
})

describe('startHttpServerSpan', () => {
  it('makes a SERVER span under the caller span with the HTTP semantic-convention attributes', async () => {
    const memory = await startInMemory({ serviceName: 's' })
    const span = startHttpServerSpan({
      method: 'get',
      url: '/users/7?full=1',
      route: '/users/:id',
      headers: { ...sampled('01'), 'user-agent': 'curl/8' },
      serverAddress: 'api.example.com',
      serverPort: 8080,
      clientAddress: '10.0.0.9',
    })
    expect(span.traceId).toBe(TRACE_ID)
    expect(span.run(() => logMixin())).toEqual({ trace_id: TRACE_ID, span_id: span.spanId })
    expect(span.run(() => trace.getActiveSpan()?.spanContext().spanId)).toBe(span.spanId)
    span.end(200)
    span.end(500) // ends once
    const [finished] = memory.getFinishedSpans()
    expect(finished?.name).toBe('GET /users/:id')
    expect(finished?.kind).toBe(SpanKind.SERVER)
    expect(finished?.parentSpanContext?.spanId).toBe(PARENT_ID)
    expect(finished?.status.code).toBe(SpanStatusCode.UNSET)
    expect(finished?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.request.method_original': 'get',
      'url.path': '/users/7',
      'url.query': 'full=1',
      'url.scheme': 'http',
      'http.route': '/users/:id',
      'server.address': 'api.example.com',
      'server.port': 8080,
      'client.address': '10.0.0.9',
      'user_agent.original': 'curl/8',
      'http.response.status_code': 200,
    })
  })

  it('names a span without a route by its method, and an unknown method HTTP', async () => {
    const memory = await startInMemory({ serviceName: 's' })
    startHttpServerSpan({ method: 'GET', url: '/nope', route: undefined, headers: {} }).end(404)
    startHttpServerSpan({ method: 'BREW', url: '/pot', route: '/pot', headers: {} }).end(418)
    const [missing, brew] = memory.getFinishedSpans()
    expect(missing?.name).toBe('GET')
    expect(missing?.status.code).toBe(SpanStatusCode.UNSET) // a 4xx is the client's error
    expect(brew?.name).toBe('HTTP /pot')
    expect(brew?.attributes['http.request.method']).toBe('_OTHER')
  })

  it('marks a 5xx as an error and records a thrown error with its code', async () => {
    const memory = await startInMemory({ serviceName: 's' })
    const span = startHttpServerSpan({ method: 'POST', url: '/pay', route: '/pay', headers: {} })
    span.recordError(new MegaError('MEGA_PAYMENT_DOWN', 'the payment provider is down'))
    span.end(503)
    startHttpServerSpan({ method: 'GET', url: '/x', route: '/x', headers: {} }).end(500)
    const [finished, bare] = memory.getFinishedSpans()
    expect(finished?.status.code).toBe(SpanStatusCode.ERROR)
    expect(finished?.attributes['error.type']).toBe('MEGA_PAYMENT_DOWN')
    expect(finished?.events.map((e) => e.attributes?.['exception.message'])).toEqual([
      'the payment provider is down',
    ])
    expect(bare?.attributes['error.type']).toBe('500')
  })
})

describe('outgoing fetch', () => {
  it('sets one traceparent, a child of the active span, however often tracing was restarted', async () => {
    const seen: (string | undefined)[] = []
    const server = createServer((req, res) => {
      seen.push(req.headers.traceparent as string | undefined)
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    disposeAfterTest(() => new Promise((resolve) => server.close(resolve)))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const traceIds: string[] = []
    for (let round = 0; round < 2; round += 1) {
      await startInMemory({ serviceName: 's' })
      await tracer.span('outer', async (span) => {
        traceIds.push(span.spanContext().traceId)
        await (await fetch(url)).text()
      })
      await shutdownTracing()
    }
    await (await fetch(url)).text() // tracing off: nothing added
    expect(seen).toHaveLength(3)
    expect(seen[0]).toMatch(new RegExp(`^00-${traceIds[0]}-[0-9a-f]{16}-01$`))
    expect(seen[1]).toMatch(new RegExp(`^00-${traceIds[1]}-[0-9a-f]{16}-01$`))
    expect(seen[2]).toBeUndefined()
  })
})
