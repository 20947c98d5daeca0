import { z } from 'zod'

/** The first segment of every key the redis driver writes. */
export const DEFAULT_REDIS_KEY_PREFIX = 'mega'

/** How long connecting may take before it fails with MEGA_KV_UNAVAILABLE, in ms. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5000

const CONNECTION_FIELDS = ['host', 'port', 'db', 'tls', 'username'] as const

/** Options of the `redis` driver, for every kind (cache, session, lock). */
export const redisOptionsSchema = z
  .strictObject({
    /** `redis://[user:password@]host:port/db` or `rediss://...` for TLS; excludes `host`/`port`/`db`/`tls`/`username`. */
    url: z
      .string()
      .regex(/^rediss?:\/\/.+/, 'must start with redis:// or rediss://')
      .optional(),
    /** Server host. @default '127.0.0.1' */
    host: z.string().min(1).optional(),
    /** Server port. @default 6379 */
    port: z.number().int().min(1).max(65535).optional(),
    /** ACL user name. */
    username: z.string().min(1).optional(),
    /** Password (AUTH). */
    password: z.string().min(1).optional(),
    /** Database number. @default 0 */
    db: z.number().int().min(0).optional(),
    /** Connect over TLS. @default false */
    tls: z.boolean().optional(),
    /** First segment of every key: `<keyPrefix>:cache:<app>:<key>`. @default 'mega' */
    keyPrefix: z
      .string()
      .regex(/^[^\s*?[\]]+$/, 'must be non-empty, without spaces or glob characters')
      .default(DEFAULT_REDIS_KEY_PREFIX),
    /** How long connecting may take (all attempts) before MEGA_KV_UNAVAILABLE, in ms. @default 5000 */
    connectTimeoutMs: z.number().int().positive().default(DEFAULT_REDIS_CONNECT_TIMEOUT_MS),
    /** A command that gets no reply within this many ms fails. @default none (no limit) */
    commandTimeoutMs: z.number().int().positive().optional(),
  })
  .superRefine((options, ctx) => {
    if (options.url === undefined) return
    for (const field of CONNECTION_FIELDS) {
      if (options[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `give either url or ${field}, not both: put it in the url`,
        })
    }
  })

/** Options of the `redis` driver as written in config (defaults not yet applied). */
export type RedisOptionsInput = z.input<typeof redisOptionsSchema>

/** Options of the `redis` driver, validated and with defaults. */
export type RedisOptions = z.output<typeof redisOptionsSchema>
