import { METRIC_NAMES } from '@mega/observe'
import type { CacheAdapter } from '../adapter-types.js'
import type { AdapterTelemetry } from './adapter-telemetry.js'
import { overrideMethods } from './method-proxy.js'

/** The cache calls that get a span (and an error count when they fail). */
export const CACHE_OPERATIONS = [
  'get',
  'set',
  'del',
  'has',
  'incr',
  'logAppend',
  'logRead',
] as const

/** One of {@link CACHE_OPERATIONS}. */
export type CacheOperation = (typeof CACHE_OPERATIONS)[number]

const LABELS = ['adapter', 'driver']

function cacheInstruments(t: AdapterTelemetry) {
  const m = t.metrics
  if (m === undefined) return undefined
  return {
    hits: m.counter(METRIC_NAMES.cacheHits, {
      description: 'Cache gets that found a value',
      labels: LABELS,
    }),
    misses: m.counter(METRIC_NAMES.cacheMisses, {
      description: 'Cache gets that found nothing (missing or expired)',
      labels: LABELS,
    }),
    errors: m.counter(METRIC_NAMES.cacheErrors, {
      description: 'Cache calls that failed, by operation',
      labels: [...LABELS, 'operation'],
    }),
  }
}

/**
 * `cache` with one span per call (`cache get`, ...; the adapter's alias and driver as attributes,
 * never the key or value) and, given metrics, hits and misses of `get` and failures of every call.
 */
export function instrumentCache<C extends CacheAdapter>(cache: C, t: AdapterTelemetry): C {
  const instruments = cacheInstruments(t)
  const call = <R>(operation: CacheOperation, run: () => Promise<R>, onResult?: (r: R) => void) =>
    t.tracer.span(
      `cache ${operation}`,
      async (span) => {
        try {
          const result = await run()
          onResult?.(result)
          if (operation === 'get') span.setAttribute('mega.cache.hit', result !== undefined)
          return result
        } catch (err) {
          instruments?.errors.add(1, { ...t.labels, operation })
          throw err
        }
      },
      { attributes: { ...t.attributes, 'db.operation.name': operation } },
    )
  const counted = (value: unknown) =>
    (value === undefined ? instruments?.misses : instruments?.hits)?.add(1, t.labels)
  const overrides: Partial<Record<CacheOperation, unknown>> = {
    get: (key: string) => call('get', () => cache.get(key), counted),
    set: (...args: Parameters<CacheAdapter['set']>) => call('set', () => cache.set(...args)),
    del: (key: string) => call('del', () => cache.del(key)),
    has: (key: string) => call('has', () => cache.has(key)),
  }
  if (cache.incr !== undefined)
    overrides.incr = (key: string, ttlMs: number) => call('incr', () => cache.incr!(key, ttlMs))
  if (cache.logAppend !== undefined)
    overrides.logAppend = (...args: Parameters<NonNullable<CacheAdapter['logAppend']>>) =>
      call('logAppend', () => cache.logAppend!(...args))
  if (cache.logRead !== undefined)
    overrides.logRead = (...args: Parameters<NonNullable<CacheAdapter['logRead']>>) =>
      call('logRead', () => cache.logRead!(...args))
  return overrideMethods(cache, overrides)
}
