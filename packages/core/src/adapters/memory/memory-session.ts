import { BaseAdapter } from '../base-adapter.js'
import type { SessionAdapter } from '../adapter-types.js'
import { ExpiringMap, type Clock } from './expiring-map.js'
import { checkTtl, type MemoryOptions } from './memory-options.js'

/** In-process session storage with TTL and an active sweep of expired sessions. */
export class MemorySessionAdapter extends BaseAdapter implements SessionAdapter {
  readonly kind = 'session' as const
  readonly #map: ExpiringMap
  readonly #sweepMs: number

  constructor(alias: string, options: MemoryOptions = {}, clock: Clock = Date.now) {
    super('memory', alias)
    this.#map = new ExpiringMap(clock)
    this.#sweepMs = options.sweepIntervalMs ?? 60_000
  }

  protected async _connect(): Promise<void> {
    this.#map.startSweep(this.#sweepMs)
  }

  protected async _disconnect(): Promise<void> {
    this.#map.stopSweep()
    this.#map.clear()
  }

  async get<T = Record<string, unknown>>(id: string): Promise<T | undefined> {
    return this.#map.get(id) as T | undefined
  }

  async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    checkTtl(ttlMs)
    this.#map.set(id, data, ttlMs)
  }

  async destroy(id: string): Promise<void> {
    this.#map.delete(id)
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs)
    return this.#map.touch(id, ttlMs)
  }
}
