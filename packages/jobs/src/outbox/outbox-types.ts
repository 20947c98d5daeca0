import type { Kysely, QueryExecutorProvider } from 'kysely'

/** The SQL dialects the outbox speaks (the `dialect` of @mega/db's SQL adapters), as declared once. */
export const OUTBOX_DIALECTS = ['postgres', 'maria', 'sqlite'] as const

/** One of {@link OUTBOX_DIALECTS}. */
export type OutboxDialect = (typeof OUTBOX_DIALECTS)[number]

/** The table the outbox writes to and relays from, unless told otherwise. */
export const DEFAULT_OUTBOX_TABLE = 'mega_job_outbox'
/** How long the relay waits between polls that found fewer rows than a batch (ms). */
export const DEFAULT_OUTBOX_POLL_MS = 1000
/** The most rows one relay pass claims. */
export const DEFAULT_OUTBOX_BATCH_SIZE = 100

/**
 * What the outbox needs of the app's SQL database: its dialect and its Kysely instance. @mega/db's
 * SQL adapters (`PostgresAdapter`, `MariaAdapter`, `SqliteAdapter`, the `db` adapter of an app) have
 * this shape; @mega/jobs does not import @mega/db.
 */
export interface OutboxDatabase {
  /** `postgres` and `maria` claim rows with `FOR UPDATE SKIP LOCKED`; `sqlite` has one writer. */
  readonly dialect: OutboxDialect
  /** The Kysely instance (outside a transaction: the pool). */
  kysely<DB = unknown>(): Kysely<DB>
}

/**
 * The caller's open transaction, in which the outbox row is written: a Kysely `Transaction`
 * (`db.kysely().transaction().execute(async (trx) => ...)`), or `db.kysely()` inside
 * `db.transaction(...)` of a @mega/db adapter. Anything that is not a transaction is refused.
 */
export interface OutboxTransaction extends QueryExecutorProvider {
  /** `true` for a Kysely transaction. */
  readonly isTransaction: boolean
}

/** What one outbox enqueue wrote: the row id (the JetStream message id unless `dedupeId`) and subject. */
export interface OutboxEnqueueResult {
  readonly id: string
  readonly subject: string
}

/** What one relay pass did. */
export interface OutboxRelayResult {
  /** Rows published (and deleted), duplicates included. */
  readonly published: number
  /** Of those, the ones JetStream had already seen (a relay died after publishing, before deleting). */
  readonly duplicates: number
  /** Rows claimed but left for a later pass (the queue refused them). */
  readonly left: number
}

/** Whether `value` has the {@link OutboxDatabase} shape (a SQL adapter of @mega/db does). */
export function isOutboxDatabase(value: unknown): value is OutboxDatabase {
  return (
    typeof value === 'object' &&
    value !== null &&
    (OUTBOX_DIALECTS as readonly unknown[]).includes((value as { dialect?: unknown }).dialect) &&
    typeof (value as { kysely?: unknown }).kysely === 'function'
  )
}
