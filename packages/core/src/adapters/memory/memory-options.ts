import { z } from 'zod'
import { CORE_ERRORS } from '../../errors.js'

/** How often a memory adapter sweeps its expired entries unless `sweepIntervalMs` says otherwise, in ms. */
export const DEFAULT_MEMORY_SWEEP_INTERVAL_MS = 60_000

/**
 * Options of the `memory` driver, for every kind: the single source of {@link MemoryOptions} (the
 * type is derived from it, TSDoc included).
 */
export const memoryOptionsSchema = z
  .object({
    /** How often expired entries are swept, in ms. @default 60000 */
    sweepIntervalMs: z.number().int().positive().optional(),
    /**
     * The most entries kept; storing one more evicts the least recently stored or renewed (for
     * sessions: the least recently used with rolling sessions). @default 10000 for sessions, no
     * limit for the cache
     */
    maxEntries: z.number().int().positive().optional(),
  })
  .strict()

/** Options of the `memory` driver. */
export type MemoryOptions = z.output<typeof memoryOptionsSchema>

/** Throws a coded error unless `ttlMs` is a positive integer. */
export function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw CORE_ERRORS.create('MEGA_ADAPTER_INVALID_INPUT', [
      `ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}.`,
    ])
  }
}
