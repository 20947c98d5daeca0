import { trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readTracingEnv, type TracingEnvWarning } from '../src/tracing-env.js'
import {
  extractTraceContext,
  initTracing,
  injectTraceContext,
  shutdownTracing,
  tracer,
} from '../src/tracing.js'

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

afterEach(async () => {
  await shutdownTracing()
})

describe('readTracingEnv: OTEL_RESOURCE_ATTRIBUTES', () => {
  it('reads key=value pairs, trimmed and percent-decoded, skipping empty entries', () => {
    const env = readTracingEnv({
      OTEL_RESOURCE_ATTRIBUTES: ' team = payments ,,a%3Db=c%2Cd%20e, empty=',
    })
    expect(env.resourceAttributes).toEqual({ team: 'payments', 'a=b': 'c,d e', empty: '' })
    expect(env.warnings).toEqual([])
  })

  it('takes service.name from it when OTEL_SERVICE_NAME is unset, and OTEL_SERVICE_NAME over it', () => {
    const attrs = 'service.name=from-attrs'
    expect(readTracingEnv({ OTEL_RESOURCE_ATTRIBUTES: attrs }).serviceName).toBe('from-attrs')
    expect(
      readTracingEnv({ OTEL_RESOURCE_ATTRIBUTES: attrs, OTEL_SERVICE_NAME: 'svc' }).serviceName,
    ).toBe('svc')
    expect(readTracingEnv({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=' }).serviceName).toBe(
      undefined,
    )
  })

  it.each([
    ['team=payments,region', '"region" is not key=value'],
    ['a=b=c', '"a=b=c" is not key=value'],
    ['=x', '"=x" has an empty key'],
    ['team=100%', 'not valid percent-encoding'],
    [`long=${'x'.repeat(256)}`, 'longer than 255 characters'],
  ])('discards %j whole with one warning', (raw, reason) => {
    const env = readTracingEnv({ OTEL_RESOURCE_ATTRIBUTES: raw })
    expect(env.resourceAttributes).toBeUndefined()
    expect(env.warnings).toHaveLength(1)
    expect(env.warnings[0]).toMatchObject({
      code: 'MEGA_TRACING_ENV_IGNORED',
      variable: 'OTEL_RESOURCE_ATTRIBUTES',
    })
    expect(env.warnings[0]?.message).toContain(reason)
  })
})

describe('readTracingEnv: OTEL_PROPAGATORS', () => {
  it('is absent when unset (the default tracecontext,baggage applies)', () => {
    expect(readTracingEnv({}).propagators).toBeUndefined()
  })

  it('reads tracecontext and baggage in order, case-insensitively, without duplicates', () => {
    const env = readTracingEnv({ OTEL_PROPAGATORS: ' Baggage, tracecontext,baggage' })
    expect(env.propagators).toEqual(['baggage', 'tracecontext'])
    expect(env.warnings).toEqual([])
  })

  it('none wins over every other name', () => {
    expect(readTracingEnv({ OTEL_PROPAGATORS: 'none,tracecontext' }).propagators).toEqual([])
  })

  it('leaves out what needs another package, and unknown names, with one warning', () => {
    const env = readTracingEnv({ OTEL_PROPAGATORS: 'b3multi,tracecontext,xray,zipkin' })
    expect(env.propagators).toEqual(['tracecontext'])
    expect(env.warnings).toHaveLength(1)
    const message = env.warnings[0]?.message ?? ''
    expect(message).toContain('@opentelemetry/propagator-b3')
    expect(message).toContain('@opentelemetry/propagator-aws-xray')
    expect(message).toContain('"zipkin" is not a propagator name')
    expect(message).toContain('propagating with tracecontext')
  })
})

describe('initTracing with OTEL_RESOURCE_ATTRIBUTES and OTEL_PROPAGATORS', () => {
  async function start(env: Record<string, string>, extra: Record<string, unknown> = {}) {
    const memory = new InMemorySpanExporter()
    const warnings: TracingEnvWarning[] = []
    await initTracing({
      serviceName: 'shop-api',
      env,
      onWarning: (w) => warnings.push(w),
      spanProcessors: [new SimpleSpanProcessor(memory)],
      ...extra,
    })
    return { memory, warnings }
  }

  it('puts the attributes under every option: serviceName, environment and attributes win', async () => {
    const { memory } = await start(
      {
        OTEL_RESOURCE_ATTRIBUTES:
          'service.name=x,deployment.environment.name=dev,team=core,region=eu',
      },
      { environment: 'prod', attributes: { team: 'billing' } },
    )
    tracer.span('r', () => undefined)
    expect(memory.getFinishedSpans()[0]?.resource.attributes).toEqual({
      'service.name': 'shop-api',
      'deployment.environment.name': 'prod',
      team: 'billing',
      region: 'eu',
    })
  })

  it('reports each warning once through onWarning, or process.emitWarning by default', async () => {
    const { warnings } = await start({
      OTEL_RESOURCE_ATTRIBUTES: 'bad',
      OTEL_PROPAGATORS: 'jaeger',
    })
    expect(warnings.map((w) => w.variable)).toEqual([
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_PROPAGATORS',
    ])
    await shutdownTracing()
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    try {
      await initTracing({ serviceName: 's', env: { OTEL_PROPAGATORS: 'xray' } })
      expect(emit).toHaveBeenCalledTimes(1)
      expect(emit.mock.calls[0]?.[1]).toEqual({
        type: 'MegaTracingWarning',
        code: 'MEGA_TRACING_ENV_IGNORED',
      })
    } finally {
      emit.mockRestore()
    }
  })

  it('with none, injectTraceContext and extractTraceContext carry nothing until shutdown', async () => {
    await start({ OTEL_PROPAGATORS: 'none' })
    expect(trace.getSpanContext(extractTraceContext({ traceparent: TRACEPARENT }))).toBeUndefined()
    expect(tracer.span('s', () => injectTraceContext({ a: '1' }))).toEqual({ a: '1' })
    await shutdownTracing()
    expect(trace.getSpanContext(extractTraceContext({ traceparent: TRACEPARENT }))).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
    })
  })

  it('with baggage alone, no traceparent is read or written', async () => {
    await start({ OTEL_PROPAGATORS: 'baggage' })
    expect(trace.getSpanContext(extractTraceContext({ traceparent: TRACEPARENT }))).toBeUndefined()
    expect(tracer.span('s', () => injectTraceContext({}))).toEqual({})
  })
})
