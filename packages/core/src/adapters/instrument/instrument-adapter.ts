import type { CacheAdapter, LockAdapter, MegaAdapter } from '../adapter-types.js'
import { adapterTelemetry, type AdapterInstrumentationOptions } from './adapter-telemetry.js'
import { instrumentCache } from './cache-instrumentation.js'
import { instrumentLock } from './lock-instrumentation.js'

/**
 * Wraps a cache or lock adapter so each call opens a span (a child of the active one) and, given
 * `metrics`, records cache hits, misses and errors or lock acquire durations and failures. Other
 * kinds are returned as they are (SQL adapters instrument their own queries). The wrapper is a
 * proxy: every other property and method is the adapter's own. The adapter manager applies it to
 * every adapter it creates, so an adapter built by hand needs it only outside an app.
 *
 * @example
 * const cache = instrumentAdapter(new MemoryCacheAdapter('cache'), { metrics: createMetrics({ serviceName: 'shop' }) })
 */
export function instrumentAdapter<A extends MegaAdapter>(
  adapter: A,
  options: AdapterInstrumentationOptions = {},
): A {
  if (adapter.kind === 'cache')
    return instrumentCache(adapter as A & CacheAdapter, adapterTelemetry(adapter, options))
  if (adapter.kind === 'lock')
    return instrumentLock(adapter as A & LockAdapter, adapterTelemetry(adapter, options))
  return adapter
}
