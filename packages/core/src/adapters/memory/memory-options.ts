import { z } from 'zod'
import { MegaError } from '@mega/observe'

/** Options of the `memory` driver, for every kind. */
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
    throw new MegaError(
      'MEGA_ADAPTER_INVALID_INPUT',
      `ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}.`,
    )
  }
}
