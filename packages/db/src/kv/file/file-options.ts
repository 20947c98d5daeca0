import { z } from 'zod'

/** Where the file cache keeps its entries when no `dir` is given (relative to the project root). */
export const DEFAULT_FILE_CACHE_DIR = './data/cache'

/** Where the file session store keeps sessions when no `dir` is given. */
export const DEFAULT_FILE_SESSION_DIR = './data/sessions'

/** How often expired entries are swept from disk, in ms. */
export const DEFAULT_FILE_SWEEP_INTERVAL_MS = 60_000

/** Options of the `file` driver (cache and session). */
export const fileOptionsSchema = z.strictObject({
  /** Folder of the entries, created at connect. @default './data/cache' (cache) or './data/sessions' (session) */
  dir: z.string().min(1).optional(),
  /** How often expired entries that nobody reads are deleted, in ms. @default 60000 */
  sweepIntervalMs: z.number().int().positive().default(DEFAULT_FILE_SWEEP_INTERVAL_MS),
})

/** Options of the `file` driver as written in config. */
export type FileOptionsInput = z.input<typeof fileOptionsSchema>

/** Options of the `file` driver, validated and with defaults. */
export type FileOptions = z.output<typeof fileOptionsSchema>
