import { describe, expect, it } from 'vitest'
import { createMetrics, type MegaTracer } from '@mega/observe'
import { disposeAfterTest } from '@mega/test-utils'
import {
  AdapterManager,
  DriverRegistry,
  instrumentAdapter,
  memoryDriver,
  MemoryCacheAdapter,
  MemoryLockAdapter,
  type CacheAdapter,
  type LockAdapter,
} from '../src/index.js'

type Span = Parameters<Parameters<MegaTracer['span']>[1]>[0]
type SpanOptions = NonNullable<Parameters<MegaTracer['span']>[2]>

interface RecordedSpan {
  readonly name: string
  readonly attributes: Record<string, unknown>
}

/** A tracer seam that records each span's name and attributes (observe's own tests cover OTel). */
function recordingTracer(): MegaTracer & { readonly spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = []
  return {
    spans,
    span<T>(name: string, fn: (span: Span) => T, options: SpanOptions = {}): T {
      const attributes: Record<string, unknown> = { ...options.attributes }
      spans.push({ name, attributes })
      const span = { setAttribute: (k: string, v: unknown) => ((attributes[k] = v), span) }
      return fn(span as unknown as Span)
    },
  }
}

function appMetrics() {
  const metrics = createMetrics({ serviceName: 'adapters-test' })
  disposeAfterTest(() => metrics.shutdown())
  return metrics
}

const scope = 'otel_scope_name="@mega/observe"'

describe('instrumentAdapter on a cache', () => {
  it('counts hits and misses of get and opens one span per call, without the key', async () => {
    const metrics = appMetrics()
    const tracer = recordingTracer()
    const cache = instrumentAdapter(new MemoryCacheAdapter('cache'), { metrics, tracer })
    await cache.connect()
    disposeAfterTest(() => cache.disconnect())
    expect(await cache.get('user:42:secret')).toBeUndefined()
    await cache.set('user:42:secret', { v: 1 })
    expect(await cache.get('user:42:secret')).toEqual({ v: 1 })
    expect(await cache.has('user:42:secret')).toBe(true)
    const text = await metrics.renderPrometheus()
    expect(text).toContain(`mega_cache_hits_total{adapter="cache",driver="memory",${scope}} 1`)
    expect(text).toContain(`mega_cache_misses_total{adapter="cache",driver="memory",${scope}} 1`)
    expect(tracer.spans.map((s) => s.name)).toEqual([
      'cache get',
      'cache set',
      'cache get',
      'cache has',
    ])
    expect(tracer.spans[0]?.attributes).toEqual({
      'mega.adapter.alias': 'cache',
      'mega.adapter.driver': 'memory',
      'db.operation.name': 'get',
      'mega.cache.hit': false,
    })
    expect(JSON.stringify(tracer.spans)).not.toContain('secret')
  })

  it('counts a failed call by operation and rethrows it unchanged', async () => {
    const metrics = appMetrics()
    const cache = instrumentAdapter(new MemoryCacheAdapter('cache'), { metrics })
    await cache.connect()
    disposeAfterTest(() => cache.disconnect())
    await expect(cache.set('k', 1, { ttlMs: -1 })).rejects.toMatchObject({
      code: 'MEGA_ADAPTER_INVALID_INPUT',
    })
    expect(await metrics.renderPrometheus()).toContain(
      `mega_cache_errors_total{adapter="cache",driver="memory",operation="set",${scope}} 1`,
    )
  })

  it('stays the adapter: instanceof, own methods, optional methods only when it has them', async () => {
    const raw = new MemoryCacheAdapter('cache')
    const cache = instrumentAdapter(raw, {})
    expect(cache).toBeInstanceOf(MemoryCacheAdapter)
    expect(cache.sweep()).toBe(0)
    expect(cache.state).toBe('idle')
    expect(typeof cache.incr).toBe('function')
    expect('logAppend' in cache).toBe(false)
  })
})

describe('instrumentAdapter on a lock', () => {
  it('records acquire durations by outcome and busy and lost calls as failures', async () => {
    const metrics = appMetrics()
    const tracer = recordingTracer()
    const lock = instrumentAdapter(new MemoryLockAdapter('lock'), { metrics, tracer })
    await lock.connect()
    disposeAfterTest(() => lock.disconnect())
    const held = await lock.acquire('job:7', 1000)
    expect(await lock.acquire('job:7', 1000)).toBeNull()
    expect(await lock.release(held!)).toBe(true)
    expect(await lock.release(held!)).toBe(false)
    expect(await lock.extend(held!, 1000)).toBeNull()
    const text = await metrics.renderPrometheus()
    for (const outcome of ['acquired', 'busy'])
      expect(text).toContain(
        `mega_lock_acquire_duration_seconds_count{adapter="lock",driver="memory",outcome="${outcome}",${scope}} 1`,
      )
    const failure = (operation: string, reason: string) =>
      `mega_lock_failures_total{adapter="lock",driver="memory",operation="${operation}",reason="${reason}",${scope}} 1`
    expect(text).toContain(failure('acquire', 'busy'))
    expect(text).toContain(failure('release', 'lost'))
    expect(text).toContain(failure('extend', 'lost'))
    expect(
      tracer.spans.map((s) => `${s.name}:${String(s.attributes['mega.lock.outcome'])}`),
    ).toEqual([
      'lock acquire:acquired',
      'lock acquire:busy',
      'lock release:held',
      'lock release:refused',
      'lock extend:refused',
    ])
  })
})

describe('AdapterManager instrumentation', () => {
  it('wraps the cache and lock adapters it creates and records to the metrics it is given', async () => {
    const metrics = appMetrics()
    const registry = new DriverRegistry([memoryDriver], () => Promise.resolve(undefined))
    const manager = new AdapterManager({ registry, metrics })
    await manager.connectAll({ cache: { driver: 'memory' }, lock: { driver: 'memory' } })
    disposeAfterTest(() => manager.disconnectAll())
    await manager.get<CacheAdapter>('cache').get('nope')
    await manager.get<LockAdapter>('lock').acquire('k', 1000)
    const text = await metrics.renderPrometheus()
    expect(text).toContain(`mega_cache_misses_total{adapter="cache",driver="memory",${scope}} 1`)
    expect(text).toContain('mega_lock_acquire_duration_seconds_count{adapter="lock"')
  })
})
