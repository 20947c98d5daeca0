import { MegaError, withExtractedContext } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { jobsError } from '../errors.js'
import type { JobQueue } from '../queue/job-queue-types.js'
import { MegaJob, type JobClass } from '../queue/mega-job.js'
import {
  checkOutboxTable,
  claimOutboxRows,
  deleteOutboxRows,
  insertOutboxRow,
  type OutboxRow,
  type OutboxRowOptions,
} from './outbox-table.js'
import {
  DEFAULT_OUTBOX_BATCH_SIZE,
  DEFAULT_OUTBOX_POLL_MS,
  DEFAULT_OUTBOX_TABLE,
  OUTBOX_DIALECTS,
  isOutboxDatabase,
  type OutboxDatabase,
  type OutboxRelayResult,
} from './outbox-types.js'

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayConfig {
  /** The app's SQL database (a @mega/db SQL adapter, or anything of {@link OutboxDatabase}'s shape). */
  readonly db: OutboxDatabase
  /** The queue the rows are published to (`MegaJobQueue`; `MemoryJobQueue` runs them in process). */
  readonly queue: JobQueue | (() => JobQueue)
  /** The outbox table. @default 'mega_job_outbox' */
  readonly table?: string
  /** Wait between polls that found less than a batch (ms, ≥ 10). @default 1000 */
  readonly pollMs?: number
  /** The most rows one pass claims (1–1000). @default 100 */
  readonly batchSize?: number
  /** Clock seam for delayed jobs. @default Date.now */
  readonly now?: () => number
  /** Told about a pass that failed or a row the queue refused. @default a process warning */
  readonly onError?: (err: MegaError) => void
}

const schema = z.strictObject({
  db: z.custom<OutboxDatabase>(isOutboxDatabase, {
    message: `a SQL database adapter (dialect ${OUTBOX_DIALECTS.join(', ')}, kysely())`,
  }),
  queue: z.custom<JobQueue | (() => JobQueue)>(
    (v) => typeof v === 'function' || (typeof v === 'object' && v !== null && 'enqueue' in v),
    { message: 'a job queue, or a function returning one' },
  ),
  table: z.string().optional(),
  pollMs: z.number().int().min(10).optional(),
  batchSize: z.number().int().min(1).max(1000).optional(),
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
  onError: z.custom<(err: MegaError) => void>((v) => typeof v === 'function').optional(),
})

/** A job class per subject, so the relay enqueues through the queue's public `enqueue`. */
const classes = new Map<string, JobClass>()
function classFor(subject: string): JobClass {
  let cls = classes.get(subject)
  if (cls === undefined) {
    cls = class extends MegaJob {
      static override subject = subject
      run(): void {}
    }
    classes.set(subject, cls)
  }
  return cls
}

/**
 * Moves committed outbox rows to the job queue: each pass claims and deletes the oldest rows in a
 * transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL and MariaDB, so relays in several processes
 * take disjoint rows), publishes each with its row id (or `dedupeId`) as the JetStream message id,
 * and commits. A relay that dies after publishing and before the commit leaves the rows;
 * the next pass publishes them again and JetStream drops them as duplicates within the stream's
 * duplicate window, so the job runs once.
 *
 * @example
 * const relay = new OutboxRelay({ db, queue })
 * relay.start()
 * await relay.stop()
 */
export class OutboxRelay {
  readonly #db: OutboxDatabase
  readonly #queue: () => JobQueue
  readonly #table: string
  readonly #pollMs: number
  readonly #batchSize: number
  readonly #now: () => number
  readonly #onError: (err: MegaError) => void
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<unknown> | undefined
  #started = false

  constructor(config: OutboxRelayConfig) {
    const c = parseOptions(schema, config, 'OutboxRelay')
    this.#db = c.db
    const queue = c.queue
    this.#queue = typeof queue === 'function' ? queue : () => queue
    this.#table = checkOutboxTable(c.table ?? DEFAULT_OUTBOX_TABLE)
    this.#pollMs = c.pollMs ?? DEFAULT_OUTBOX_POLL_MS
    this.#batchSize = c.batchSize ?? DEFAULT_OUTBOX_BATCH_SIZE
    this.#now = c.now ?? Date.now
    this.#onError =
      c.onError ??
      ((err) => process.emitWarning(err.message, { type: 'MegaJobsWarning', code: err.code }))
  }

  /**
   * One pass: in one transaction, claims up to `batchSize` rows and deletes them (before anything is
   * published, so a lock conflict there publishes nothing and the pass is tried again, up to 3
   * times), publishes them in order, puts back the rows it could not publish, and commits. A row the
   * queue refuses stays for a later pass (reported to `onError`); when the queue is unavailable the
   * pass stops there. A database failure rejects with MEGA_JOBS_OUTBOX_UNAVAILABLE.
   *
   * @example
   * const { published, duplicates } = await relay.relayOnce()
   */
  async relayOnce(): Promise<OutboxRelayResult> {
    for (let attempt = 1; ; attempt++) {
      const progress = { published: false }
      try {
        return await this.#pass(progress)
      } catch (err) {
        if (MegaError.is(err)) throw err
        if (attempt < 3 && !progress.published && isLockConflict(err)) continue
        throw jobsError(
          'MEGA_JOBS_OUTBOX_UNAVAILABLE',
          `The outbox relay could not read or delete rows of ${this.#table} (${err instanceof Error ? err.message : String(err)}): check the database; committed jobs stay in the table until a pass succeeds.`,
          { cause: err },
        )
      }
    }
  }

  #pass(progress: { published: boolean }): Promise<OutboxRelayResult> {
    const begin = this.#db.kysely().transaction()
    // MariaDB's REPEATABLE READ takes gap locks on the scanned index; read committed takes none
    const tx = this.#db.dialect === 'maria' ? begin.setIsolationLevel('read committed') : begin
    return tx.execute(async (trx) => {
      const rows = await claimOutboxRows(trx, this.#db.dialect, this.#table, this.#batchSize)
      await deleteOutboxRows(
        trx,
        this.#table,
        rows.map((r) => r.id),
      )
      const kept: OutboxRow[] = []
      let duplicates = 0
      for (const [i, row] of rows.entries()) {
        const outcome = await this.#publish(row)
        if (outcome === 'stop') {
          kept.push(...rows.slice(i))
          break
        }
        if (outcome === 'skip') kept.push(row)
        else progress.published = true
        if (outcome === 'duplicate') duplicates += 1
      }
      for (const row of kept) await insertOutboxRow(trx, this.#table, row)
      return { published: rows.length - kept.length, duplicates, left: kept.length }
    })
  }

  async #publish(row: OutboxRow): Promise<'ok' | 'duplicate' | 'skip' | 'stop'> {
    try {
      const options = JSON.parse(row.options) as OutboxRowOptions
      const payload = JSON.parse(row.payload) as unknown
      const remaining = options.delayMs ? Number(row.created_at) + options.delayMs - this.#now() : 0
      const result = await withExtractedContext(options.trace ?? {}, () =>
        this.#queue().enqueue(classFor(row.job), payload as never, {
          dedupeId: row.dedupe_id ?? row.id,
          ...(remaining > 0 ? { delayMs: Math.ceil(remaining) } : {}),
        }),
      )
      return result.duplicate ? 'duplicate' : 'ok'
    } catch (err) {
      const error = MegaError.is(err)
        ? err
        : jobsError(
            'MEGA_JOBS_OUTBOX_UNAVAILABLE',
            `Outbox row ${row.id} (job "${row.job}") cannot be relayed (${err instanceof Error ? err.message : String(err)}): fix or delete the row.`,
            { cause: err },
          )
      this.#report(error)
      return error.code === 'MEGA_JOB_QUEUE_UNAVAILABLE' ? 'stop' : 'skip'
    }
  }

  #report(err: MegaError): void {
    try {
      this.#onError(err)
    } catch {
      // a throwing reporter changes nothing
    }
  }

  /** Starts polling: a pass now, then one every `pollMs` (at once again after a full batch). */
  start(): void {
    if (this.#started) return
    this.#started = true
    this.#schedule(0)
  }

  #schedule(ms: number): void {
    if (!this.#started) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#running = this.#tick().finally(() => (this.#running = undefined))
    }, ms)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    let next = this.#pollMs
    try {
      const r = await this.relayOnce()
      if (r.published === this.#batchSize) next = 0
    } catch (err) {
      this.#report(MegaError.is(err) ? err : jobsError('MEGA_JOBS_OUTBOX_UNAVAILABLE', String(err)))
    }
    this.#schedule(next)
  }

  /** Stops polling and waits for a pass under way. Idempotent. */
  async stop(): Promise<void> {
    this.#started = false
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }
}

/** A deadlock or serialization failure (MariaDB ER_LOCK_DEADLOCK, PostgreSQL 40001/40P01, SQLite BUSY). */
function isLockConflict(err: unknown): boolean {
  const e = err as { code?: unknown; sqlState?: unknown }
  return (
    e?.code === 'ER_LOCK_DEADLOCK' ||
    e?.code === '40P01' ||
    e?.code === '40001' ||
    e?.sqlState === '40001' ||
    e?.code === 'SQLITE_BUSY'
  )
}
