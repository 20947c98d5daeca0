import { injectTraceContext } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { jobsError } from '../errors.js'
import { payloadJson } from '../queue/job-payload.js'
import { enqueueOptionsSchema, type EnqueueOptions } from '../queue/job-queue-types.js'
import {
  resolveJobSubject,
  type JobClass,
  type JobPayload,
  type MegaJob,
} from '../queue/mega-job.js'
import {
  checkOutboxTable,
  insertOutboxRow,
  outboxRowId,
  outboxUnavailable,
  type OutboxRowOptions,
} from './outbox-table.js'
import {
  DEFAULT_OUTBOX_TABLE,
  type OutboxEnqueueResult,
  type OutboxTransaction,
} from './outbox-types.js'

/** Options of {@link JobOutbox}. */
export interface JobOutboxConfig {
  /** The outbox table. @default 'mega_job_outbox' */
  readonly table?: string
  /** Clock seam: the row's `created_at` (epoch ms), from which `delayMs` counts. @default Date.now */
  readonly now?: () => number
}

/**
 * Writes jobs into the outbox table inside the caller's database transaction, so a job exists exactly
 * when the transaction's data does: rolled back, the row is gone and the job never runs; committed,
 * an {@link OutboxRelay} publishes it to the queue (JetStream) and deletes the row.
 *
 * @example
 * const outbox = new JobOutbox()
 * await db.kysely<Database>().transaction().execute(async (trx) => {
 *   const user = await trx.insertInto('users').values(input).returning('id').executeTakeFirstOrThrow()
 *   await outbox.enqueue(trx, SendWelcomeJob, { userId: user.id })
 * })
 */
export class JobOutbox {
  /** The outbox table this writer inserts into. */
  readonly table: string
  readonly #now: () => number

  constructor(config: JobOutboxConfig = {}) {
    this.table = checkOutboxTable(config.table ?? DEFAULT_OUTBOX_TABLE)
    this.#now = config.now ?? Date.now
  }

  /**
   * Inserts one job row in `trx` (a Kysely transaction). `dedupeId` becomes the JetStream message id
   * (the row id otherwise); `delayMs` counts from this call. MEGA_JOBS_OUTBOX_NO_TRANSACTION when
   * `trx` is not a transaction; the payload and options are checked as `enqueue` checks them.
   *
   * @example
   * await outbox.enqueue(trx, SendWelcomeJob, { userId: 42 }, { dedupeId: 'welcome-42' })
   */
  async enqueue<J extends MegaJob>(
    trx: OutboxTransaction,
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options: EnqueueOptions = {},
  ): Promise<OutboxEnqueueResult> {
    const subject = resolveJobSubject(JobClass)
    if (typeof trx !== 'object' || trx === null || trx.isTransaction !== true)
      throw jobsError(
        'MEGA_JOBS_OUTBOX_NO_TRANSACTION',
        `The outbox enqueue of job "${subject}" is not inside a database transaction: pass the Kysely transaction (trx) of the work it belongs to, or call it inside db.transaction(); outside one, use ctx.jobs.enqueue.`,
      )
    const o = parseOptions(
      enqueueOptionsSchema,
      options,
      `outbox enqueue options of job "${subject}"`,
    )
    const rowOptions: OutboxRowOptions = {
      ...(o.delayMs ? { delayMs: o.delayMs } : {}),
      trace: injectTraceContext(),
    }
    const text = payloadJson(payload, subject)
    const createdAt = this.#now()
    const id = outboxRowId(createdAt)
    try {
      await insertOutboxRow(trx, this.table, {
        id,
        job: subject,
        payload: text,
        options: JSON.stringify(rowOptions),
        dedupe_id: o.dedupeId ?? null,
        created_at: createdAt,
      })
    } catch (err) {
      throw outboxUnavailable(`write job "${subject}" to the outbox table ${this.table}`, err)
    }
    return { id, subject }
  }
}
