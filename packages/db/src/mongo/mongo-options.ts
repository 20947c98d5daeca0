import { z } from 'zod'

/** Connections the driver's pool may open. */
export const DEFAULT_MONGO_MAX_POOL_SIZE = 10

/** How long an operation (and `connect`) waits for a usable server before it fails, in ms. */
export const DEFAULT_MONGO_SERVER_SELECTION_TIMEOUT_MS = 5000

/** What {@link MegaMongoAdapter} takes (the `adapters.<alias>` entry without `driver`). */
export interface MongoAdapterConfig {
  /** Connection string, `mongodb://` or `mongodb+srv://`; credentials go here. */
  readonly url: string
  /** Database to use. @default the URL path (`mongodb://host/<database>`); one of them is required */
  readonly database?: string
  /** Maximum connections in the driver's pool. @default 10 */
  readonly maxPoolSize?: number
  /** How long to wait for a usable server, in ms. @default 5000 */
  readonly serverSelectionTimeoutMs?: number
  /** How long one TCP connection may take to open, in ms. @default 30000 (the driver's default) */
  readonly connectTimeoutMs?: number
}

/** {@link MongoAdapterConfig} after validation: defaults applied, `database` resolved. */
export interface ResolvedMongoOptions {
  readonly url: string
  readonly database: string
  readonly maxPoolSize: number
  readonly serverSelectionTimeoutMs: number
  readonly connectTimeoutMs?: number | undefined
}

/** MongoDB's limit on the length of a database name. */
const MAX_DATABASE_NAME_LENGTH = 63

const URL_PATTERN = /^mongodb(?:\+srv)?:\/\/(?:[^@/?#]*@)?[^@/?#]+/
const DATABASE_PATTERN = /^[^/\\. "$\0]+$/

/**
 * The database named in a connection string's path, or `undefined` when it names none.
 *
 * @example
 * databaseFromUrl('mongodb://user:pw@h1:27017,h2:27017/shop?replicaSet=rs0') // 'shop'
 */
export function databaseFromUrl(url: string): string | undefined {
  const raw = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(url)?.[1]
  if (raw === undefined || raw === '') return undefined
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

const positiveInt = z.number().int().positive()

const fieldsSchema = z
  .object({
    url: z
      .string()
      .regex(URL_PATTERN, 'use a mongodb:// or mongodb+srv:// connection string with a host'),
    database: z
      .string()
      .max(
        MAX_DATABASE_NAME_LENGTH,
        `a MongoDB database name has at most ${MAX_DATABASE_NAME_LENGTH} characters`,
      )
      .regex(DATABASE_PATTERN, 'a database name cannot be empty or contain / \\ . space " $')
      .optional(),
    maxPoolSize: positiveInt.default(DEFAULT_MONGO_MAX_POOL_SIZE),
    serverSelectionTimeoutMs: positiveInt.default(DEFAULT_MONGO_SERVER_SELECTION_TIMEOUT_MS),
    connectTimeoutMs: positiveInt.optional(),
  })
  .strict() satisfies z.ZodType<unknown, MongoAdapterConfig>

function isValidDatabase(name: string): boolean {
  return name.length <= MAX_DATABASE_NAME_LENGTH && DATABASE_PATTERN.test(name)
}

// Runs even when other fields failed (`when`), so every problem is reported at once.
function checkDatabase(input: unknown, ctx: z.RefinementCtx): void {
  if (typeof input !== 'object' || input === null) return
  const { url, database } = input as { url?: unknown; database?: unknown }
  if (database !== undefined) return
  const fromUrl = typeof url === 'string' ? databaseFromUrl(url) : undefined
  if (fromUrl === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['database'],
      message: 'name the database: set database, or put it in the URL path (mongodb://host/<db>)',
    })
  } else if (!isValidDatabase(fromUrl)) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: `"${fromUrl}" in the URL path is not a valid database name: set database instead`,
    })
  }
}

/**
 * zod schema of the `mongo` driver's options: validates, applies defaults and resolves `database`
 * from the URL path when it is not given (an error when neither names one).
 */
export const mongoOptionsSchema = fieldsSchema
  .superRefine(checkDatabase, { when: () => true })
  .transform((value): ResolvedMongoOptions => ({
    ...value,
    database: value.database ?? databaseFromUrl(value.url) ?? '',
  })) satisfies z.ZodType<ResolvedMongoOptions, MongoAdapterConfig>
