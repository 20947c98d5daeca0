// The connection options PostgreSQL and MariaDB share: a url or the server fields, TLS, the pool and a
// statement timeout, validated the same way.
import { z } from 'zod'

/** Default size of a PostgreSQL or MariaDB pool. */
export const DEFAULT_SQL_POOL_MAX = 10
/** Default wait for a new PostgreSQL or MariaDB connection, in ms. */
export const DEFAULT_SQL_CONNECTION_TIMEOUT_MS = 5000
/** Default time an idle connection stays in a PostgreSQL or MariaDB pool, in ms. */
export const DEFAULT_SQL_IDLE_TIMEOUT_MS = 10_000

const positiveInt = z.number().int().positive()

/** TLS settings: `true` for the system CAs, or the `tls.connect` options to use. */
export const sqlSslSchema = z.union([
  z.boolean(),
  z.looseObject({
    rejectUnauthorized: z.boolean().optional(),
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
    servername: z.string().optional(),
  }),
])

/** Pool settings of the PostgreSQL and MariaDB drivers. */
export const sqlPoolSchema = z
  .object({
    /** Most connections open at once. @default 10 */
    max: positiveInt.default(DEFAULT_SQL_POOL_MAX),
    /** How long an idle connection stays open, in ms. @default 10000 */
    idleTimeoutMs: positiveInt.default(DEFAULT_SQL_IDLE_TIMEOUT_MS),
    /** How long to wait for a new connection, in ms. @default 5000 */
    connectionTimeoutMs: positiveInt.default(DEFAULT_SQL_CONNECTION_TIMEOUT_MS),
  })
  .strict()

/** The connection fields of the PostgreSQL and MariaDB drivers: a `url`, or `host` and the rest. */
export const sqlServerShape = {
  /** `postgres://user:password@host:port/database` (or `mysql://...`); replaces the fields below. */
  url: z.string().min(1).optional(),
  /** Server host name or address, when no `url` is given. */
  host: z.string().min(1).optional(),
  /** Server port. @default 5432 (postgres), 3306 (maria) */
  port: z.number().int().min(1).max(65_535).optional(),
  /** User name. */
  user: z.string().min(1).optional(),
  /** Password. */
  password: z.string().optional(),
  /** Database name. */
  database: z.string().min(1).optional(),
  /** `true` for TLS with the system CAs, or TLS options. @default false */
  ssl: sqlSslSchema.optional(),
  /** Pool settings. @default { max: 10, idleTimeoutMs: 10000, connectionTimeoutMs: 5000 } */
  pool: sqlPoolSchema.default({
    max: DEFAULT_SQL_POOL_MAX,
    idleTimeoutMs: DEFAULT_SQL_IDLE_TIMEOUT_MS,
    connectionTimeoutMs: DEFAULT_SQL_CONNECTION_TIMEOUT_MS,
  }),
  /** Server-side time limit per statement, in ms. @default none */
  statementTimeoutMs: positiveInt.optional(),
}

const SERVER_FIELDS = ['host', 'port', 'user', 'password', 'database'] as const

/**
 * Adds an issue when neither `url` nor `host` is given, and one per field given next to a `url`.
 * Runs even when other fields are invalid, so every problem is reported at once.
 */
export const checkUrlOrFields = z.superRefine<Record<string, unknown>>(
  (value, ctx) => {
    if (value.url === undefined && value.host === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'give a url, or a host and the other fields',
      })
      return
    }
    if (value.url === undefined) return
    for (const field of SERVER_FIELDS) {
      if (value[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `give either url or ${field}: the url already sets it`,
        })
    }
  },
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
)

/** The server fields of resolved options, for a driver's own pool config when no url is given. */
export function serverFields(options: {
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly user?: string | undefined
  readonly password?: string | undefined
  readonly database?: string | undefined
}): {
  host: string | undefined
  port: number | undefined
  user: string | undefined
  password: string | undefined
  database: string | undefined
} {
  const { host, port, user, password, database } = options
  return { host, port, user, password, database }
}
