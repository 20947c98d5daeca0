import { BaseAdapter } from '../base-adapter.js'
import { ExpiringMap, type Clock } from './expiring-map.js'
import { DEFAULT_MEMORY_SWEEP_INTERVAL_MS, type MemoryOptions } from './memory-options.js'

/** A memory adapter over an {@link ExpiringMap}: the sweep starts at connect and stops at disconnect. */
export abstract class ExpiringMapAdapter extends BaseAdapter {
  protected readonly map: ExpiringMap
  readonly #sweepMs: number

  constructor(alias: string, options: MemoryOptions, clock: Clock) {
    super('memory', alias)
    this.map = new ExpiringMap(clock, { maxEntries: options.maxEntries })
    this.#sweepMs = options.sweepIntervalMs ?? DEFAULT_MEMORY_SWEEP_INTERVAL_MS
  }

  protected async _connect(): Promise<void> {
    this.map.startSweep(this.#sweepMs)
  }

  protected async _disconnect(): Promise<void> {
    this.map.stopSweep()
    this.map.clear()
  }
}
