import { createServer, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { SpanStatusCode, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { disposeAfterTest } from '@mega/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { MegaError } from '../src/errors.js'
import {
  createTracer,
  extractTraceContext,
  initTracing,
  injectTraceContext,
  logMixin,
  shutdownTracing,
  tracer,
  withExtractedContext,
} from '../src/tracing.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const PARENT_ID = 'b7ad6b7169203331'
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`

afterEach(async () => {
  await shutdownTracing()
})

async function startInMemory(extra: Record<string, unknown> = {}): Promise<InMemorySpanExporter> {
  const memory = new InMemorySpanExporter()
  await initTracing({
    serviceName: 'shop-api',
    version: '2.0.0',
    spanProcessors: [new SimpleSpanProcessor(memory)],
    ...extra,
  })
  return memory
}

describe('tracing before initTracing', () => {
  it('runs span functions as no-ops and logMixin returns a fresh, extensible empty object', () => {
    const first = logMixin()
    expect(tracer.span('noop', (span) => span.isRecording())).toBe(false)
    expect(first).toEqual({})
    expect(Object.isExtensible(first)).toBe(true)
    expect(logMixin()).not.toBe(first)
  })

  it('works as a pino mixin with no active span (pino merges line fields into its result)', async () => {
    const { pino } = await import('pino')
    const lines: string[] = []
    const logger = pino({ mixin: logMixin }, { write: (line: string) => void lines.push(line) })
    logger.info({ a: 1 }, 'hello')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ a: 1, msg: 'hello' })
  })

  it('injects nothing when no span is active', () => {
    expect(injectTraceContext({ 'x-id': '1' })).toEqual({ 'x-id': '1' })
  })
})

describe('initTracing', () => {
  it('throws MEGA_CONFIG_INVALID listing every problem', async () => {
    const err: unknown = await initTracing({
      exporter: 'jaeger',
      sampleRatio: 2,
      otlpUrl: 'http://collector:4318/v1/traces',
    } as never).catch((e: unknown) => e)
    expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
    expect((err as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'tracing.exporter',
      'tracing.sampleRatio',
      'tracing.serviceName',
    ])
  })

  it("rejects otlpUrl without exporter: 'otlp'", async () => {
    const err = await initTracing({ serviceName: 's', otlpUrl: 'http://c:4318' }).catch(
      (e: unknown) => e,
    )
    expect((err as MegaError).issues?.map((i) => i.path)).toEqual(['tracing.otlpUrl'])
  })

  it('refuses a second call until shutdownTracing, then starts again', async () => {
    await startInMemory()
    await expect(initTracing({ serviceName: 'again' })).rejects.toMatchObject({
      code: 'MEGA_TRACING_INVALID',
    })
    await shutdownTracing()
    const memory = await startInMemory()
    tracer.span('after-restart', () => undefined)
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['after-restart'])
  })

  it('puts the shared resource on spans', async () => {
    const memory = await startInMemory({ environment: 'staging', attributes: { team: 'core' } })
    tracer.span('r', () => undefined)
    expect(memory.getFinishedSpans()[0]?.resource.attributes).toEqual({
      'service.name': 'shop-api',
      'service.version': '2.0.0',
      'deployment.environment.name': 'staging',
      team: 'core',
    })
  })

  it("with exporter 'none' still records spans so trace ids reach the logs", async () => {
    await initTracing({ serviceName: 's' })
    const fields = tracer.span('quiet', () => logMixin())
    expect(fields).toEqual({
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      span_id: expect.any(String),
    })
  })

  it('samples no root trace with sampleRatio 0', async () => {
    const memory = await startInMemory({ sampleRatio: 0 })
    tracer.span('dropped', () => undefined)
    expect(memory.getFinishedSpans()).toEqual([])
  })

  it("with exporter 'otlp' posts spans to the configured collector on shutdown", async () => {
    const requests: IncomingMessage[] = []
    const server = createServer((req, res) => {
      requests.push(req)
      req.resume()
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    disposeAfterTest(() => new Promise((resolve) => server.close(resolve)))
    const { port } = server.address() as AddressInfo
    await initTracing({
      serviceName: 's',
      exporter: 'otlp',
      otlpUrl: `http://127.0.0.1:${port}/v1/traces`,
    })
    tracer.span('exported', () => undefined)
    await shutdownTracing()
    expect(requests.map((r) => [r.method, r.url])).toEqual([['POST', '/v1/traces']])
  })
})

describe('tracer.span', () => {
  it('returns a sync value, ends the span and nests children under the active span', async () => {
    const memory = await startInMemory()
    const value = tracer.span('outer', () => tracer.span('inner', () => 42), {
      attributes: { a: 1 },
    })
    expect(value).toBe(42)
    const [inner, outer] = memory.getFinishedSpans()
    expect([inner?.name, outer?.name]).toEqual(['inner', 'outer'])
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId)
    expect(outer?.attributes).toEqual({ a: 1 })
    expect(outer?.status.code).toBe(SpanStatusCode.UNSET)
  })

  it('keeps the span active across awaits and resolves the async value', async () => {
    const memory = await startInMemory()
    const seen = await tracer.span('async', async (span) => {
      await new Promise((resolve) => setImmediate(resolve))
      return trace.getActiveSpan() === span
    })
    expect(seen).toBe(true)
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['async'])
  })

  it('records a sync throw as exception and ERROR status, ends the span and rethrows', async () => {
    const memory = await startInMemory()
    const boom = new MegaError('MEGA_TEST_BOOM', 'boom')
    expect(() =>
      tracer.span('sync-fail', () => {
        throw boom
      }),
    ).toThrow(boom)
    const [span] = memory.getFinishedSpans()
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' })
    expect(span?.attributes['error.type']).toBe('MEGA_TEST_BOOM')
    expect(span?.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', 'boom'],
    ])
  })

  it('records an async rejection the same way and rejects with the same error', async () => {
    const memory = await startInMemory()
    const err = new TypeError('bad input')
    await expect(tracer.span('async-fail', () => Promise.reject(err))).rejects.toBe(err)
    const [span] = memory.getFinishedSpans()
    expect(span?.status.code).toBe(SpanStatusCode.ERROR)
    expect(span?.attributes['error.type']).toBe('TypeError')
    expect(span?.ended).toBe(true)
  })

  it('createTracer uses the given scope name', async () => {
    const memory = await startInMemory()
    createTracer({ name: 'billing' }).span('b', () => undefined)
    expect(memory.getFinishedSpans()[0]?.instrumentationScope.name).toBe('billing')
  })
})

describe('trace context propagation', () => {
  it('injects W3C traceparent of the active span into a copy of the headers', async () => {
    await startInMemory()
    const original = { 'nats-msg-id': 'm1' }
    const [headers, ids] = tracer.span(
      'publish',
      (span) => [injectTraceContext(original), span.spanContext()] as const,
    )
    expect(original).toEqual({ 'nats-msg-id': 'm1' })
    expect(headers).toEqual({
      'nats-msg-id': 'm1',
      traceparent: `00-${ids.traceId}-${ids.spanId}-01`,
    })
  })

  it('continues a remote trace from extracted headers, matching names case-insensitively', async () => {
    const memory = await startInMemory()
    withExtractedContext({ TraceParent: TRACEPARENT }, () =>
      tracer.span('consume', () => undefined),
    )
    const [span] = memory.getFinishedSpans()
    expect(span?.spanContext().traceId).toBe(TRACE_ID)
    expect(span?.parentSpanContext?.spanId).toBe(PARENT_ID)
  })

  it('round-trips inject and extract', async () => {
    await startInMemory()
    const ctx = extractTraceContext({ traceparent: TRACEPARENT })
    expect(injectTraceContext({}, ctx)).toEqual({ traceparent: TRACEPARENT })
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' }))).toBeUndefined()
  })
})

describe('logMixin', () => {
  it('adds trace_id and span_id of the active span only', async () => {
    await startInMemory()
    const inside = tracer.span('logged', (span) => [logMixin(), span.spanContext()] as const)
    expect(inside[0]).toEqual({ trace_id: inside[1].traceId, span_id: inside[1].spanId })
    expect(logMixin()).toEqual({})
  })
})
