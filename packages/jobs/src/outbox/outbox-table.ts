// The outbox table and the SQL the writer and the relay run on it, for every outbox dialect.
import { randomBytes } from 'node:crypto'
import { sql, type QueryExecutorProvider } from 'kysely'
import { jobsError } from '../errors.js'
import type { OutboxDatabase, OutboxDialect } from './outbox-types.js'

/** One row of the outbox table, as read back. */
export interface OutboxRow {
  readonly id: string
  readonly job: string
  readonly payload: string
  readonly options: string
  readonly dedupe_id: string | null
  readonly created_at: number | string
}

/** The options kept with a row (JSON in its `options` column). */
export interface OutboxRowOptions {
  readonly delayMs?: number
  /** The W3C trace headers active at enqueue, so the job's run continues that trace. */
  readonly trace?: Readonly<Record<string, string>>
}

let lastMs = 0
let seq = 0

/**
 * A row id (36 characters, uuid-shaped) that sorts in write order within a process: the epoch ms,
 * a counter within that ms, then random bytes. Rows of one ms keep their order (`ORDER BY
 * created_at, id`), and ids from several processes never collide.
 */
export function outboxRowId(nowMs: number): string {
  if (nowMs > lastMs) {
    lastMs = nowMs
    seq = 0
  } else seq += 1
  const ts = Math.floor(lastMs).toString(16).padStart(12, '0')
  const counter = seq.toString(16).padStart(8, '0')
  return `${ts.slice(0, 8)}-${ts.slice(8)}-${counter.slice(0, 4)}-${counter.slice(4)}-${randomBytes(6).toString('hex')}`
}

const TABLE_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** `table` when it is a plain identifier; MEGA_JOBS_OPTIONS_INVALID otherwise. */
export function checkOutboxTable(table: string): string {
  if (!TABLE_RE.test(table))
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `The outbox table "${table}" is not a plain identifier: use letters, digits and _ (at most 63).`,
    )
  return table
}

/**
 * Creates the outbox table and its index when missing (`CREATE TABLE IF NOT EXISTS`, the way @mega/db
 * creates its migration bookkeeping and lock tables). MEGA_JOBS_OUTBOX_UNAVAILABLE when it cannot.
 */
export async function ensureOutboxTable(db: OutboxDatabase, table: string): Promise<void> {
  const k = db.kysely()
  const create = k.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('job', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('dedupe_id', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
  const index = k.schema
    .createIndex(`${table}_created_at`)
    .ifNotExists()
    .on(table)
    .columns(['created_at', 'id'])
  try {
    // Two PostgreSQL sessions creating the same table at once can collide on the catalog: retry once.
    await create.execute().catch(() => create.execute())
    await index.execute().catch(() => index.execute())
  } catch (err) {
    throw outboxUnavailable(`create the outbox table ${table}`, err)
  }
}

/** Inserts one row in the caller's transaction (the relay puts back a row it did not publish). */
export async function insertOutboxRow(
  trx: QueryExecutorProvider,
  table: string,
  row: OutboxRow,
): Promise<void> {
  await sql`insert into ${sql.table(table)} (id, job, payload, options, dedupe_id, created_at)
    values (${row.id}, ${row.job}, ${row.payload}, ${row.options}, ${row.dedupe_id}, ${Number(row.created_at)})`.execute(
    trx,
  )
}

/**
 * Claims the oldest `limit` rows in the relay's transaction: `FOR UPDATE SKIP LOCKED` on PostgreSQL
 * and MariaDB, so concurrent relays take disjoint rows; SQLite takes its single write lock first.
 */
export async function claimOutboxRows(
  trx: QueryExecutorProvider,
  dialect: OutboxDialect,
  table: string,
  limit: number,
): Promise<OutboxRow[]> {
  const t = sql.table(table)
  if (dialect === 'sqlite') await sql`delete from ${t} where 1 = 0`.execute(trx)
  const lock = dialect === 'sqlite' ? sql`` : sql`for update skip locked`
  const { rows } = await sql<OutboxRow>`select id, job, payload, options, dedupe_id, created_at
    from ${t} order by created_at, id limit ${sql.lit(limit)} ${lock}`.execute(trx)
  return rows
}

/** Deletes relayed rows in the relay's transaction. */
export async function deleteOutboxRows(
  trx: QueryExecutorProvider,
  table: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return
  await sql`delete from ${sql.table(table)} where id in (${sql.join(ids)})`.execute(trx)
}

/** MEGA_JOBS_OUTBOX_UNAVAILABLE for a database error of the outbox. */
export function outboxUnavailable(what: string, err: unknown) {
  return jobsError(
    'MEGA_JOBS_OUTBOX_UNAVAILABLE',
    `Could not ${what} (${err instanceof Error ? err.message : String(err)}): check the database, and that the outbox table exists (jobs({ outbox }) creates it at boot, or call ensureOutboxTable).`,
    { cause: err },
  )
}
