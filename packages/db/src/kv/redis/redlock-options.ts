import { z } from 'zod'
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, DEFAULT_REDIS_KEY_PREFIX } from './redis-options.js'

/** How long one node may take to answer one lock command before it counts as a "no", in ms. */
export const DEFAULT_REDLOCK_NODE_TIMEOUT_MS = 200

/** How many more rounds `acquire` tries after a round that won no majority. */
export const DEFAULT_REDLOCK_RETRY_COUNT = 2

/** Wait before a retry round, in ms (plus up to `retryJitterMs` at random). */
export const DEFAULT_REDLOCK_RETRY_DELAY_MS = 50

/** Clock drift allowed per ms of TTL (Redlock's drift factor); `ttl * factor + 2` ms is subtracted. */
export const DEFAULT_REDLOCK_DRIFT_FACTOR = 0.01

const nodeUrl = z.string().regex(/^rediss?:\/\/.+/, 'must start with redis:// or rediss://')

/** Options of the `redlock` driver (quorum locks over several independent Redis nodes). */
export const redlockOptionsSchema = z
  .strictObject({
    /** URLs of independent Redis masters (not replicas of each other): an odd count of at least 3. */
    nodes: z.array(nodeUrl).min(3, 'needs at least 3 independent Redis nodes'),
    /** First segment of every key: `<keyPrefix>:lock:<app>:<key>`. @default 'mega' */
    keyPrefix: z
      .string()
      .regex(/^[^\s*?[\]]+$/, 'must be non-empty, without spaces or glob characters')
      .default(DEFAULT_REDIS_KEY_PREFIX),
    /** How long connecting to each node may take, in ms. @default 5000 */
    connectTimeoutMs: z.number().int().positive().default(DEFAULT_REDIS_CONNECT_TIMEOUT_MS),
    /** Per-node answer limit for one lock command, in ms. @default 200 */
    nodeTimeoutMs: z.number().int().positive().default(DEFAULT_REDLOCK_NODE_TIMEOUT_MS),
    /** Extra rounds after a round without a majority. @default 2 */
    retryCount: z.number().int().min(0).default(DEFAULT_REDLOCK_RETRY_COUNT),
    /** Wait before a retry round, in ms. @default 50 */
    retryDelayMs: z.number().int().min(0).default(DEFAULT_REDLOCK_RETRY_DELAY_MS),
    /** Random extra wait before a retry round, up to this many ms. @default 50 */
    retryJitterMs: z.number().int().min(0).default(DEFAULT_REDLOCK_RETRY_DELAY_MS),
    /** Clock drift per ms of TTL. @default 0.01 */
    driftFactor: z.number().min(0).max(0.5).default(DEFAULT_REDLOCK_DRIFT_FACTOR),
  })
  .superRefine((options, ctx) => {
    if (options.nodes.length % 2 === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['nodes'],
        message: `has ${options.nodes.length} nodes: use an odd count (an even one tolerates no more failures than one node fewer)`,
      })
    if (new Set(options.nodes).size !== options.nodes.length)
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'lists a node twice' })
  })

/** Options of the `redlock` driver as written in config (defaults not yet applied). */
export type RedlockOptionsInput = z.input<typeof redlockOptionsSchema>

/** Options of the `redlock` driver, validated and with defaults. */
export type RedlockOptions = z.output<typeof redlockOptionsSchema>
