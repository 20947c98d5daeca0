import { defineContextFeature, type PluginApi } from '@mega/core'
import { jobsError } from '../errors.js'
import type { OutboxEnqueueResult, OutboxTransaction } from '../outbox/outbox-types.js'
import type {
  EnqueueItem,
  EnqueueItemResult,
  EnqueueOptions,
  EnqueueResult,
} from '../queue/job-queue.js'
import type { JobQueue } from '../queue/job-queue-types.js'
import type { JobClass, JobPayload, MegaJob } from '../queue/mega-job.js'

/** What handlers and services enqueue through: `ctx.jobs.enqueue(SendEmailJob, { to })`. */
export interface JobsClient {
  /** Publishes one job (see `MegaJobQueue.enqueue`). */
  enqueue<J extends MegaJob>(
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>
  /** Publishes several jobs of one class, one result per item (see `MegaJobQueue.enqueueMany`). */
  enqueueMany<J extends MegaJob>(
    JobClass: JobClass<J>,
    items: readonly EnqueueItem<JobPayload<J>>[],
  ): Promise<EnqueueItemResult[]>
  /**
   * The transactional outbox (with `jobs({ outbox })`): `enqueue` writes the job in `trx`, the
   * caller's Kysely transaction (default: the outbox adapter's `kysely()`, which is the active
   * transaction inside `db.transaction()`), and the relay publishes it once the transaction commits.
   * MEGA_JOBS_OUTBOX_NOT_CONFIGURED without `jobs({ outbox })`.
   */
  outbox(trx?: OutboxTransaction): OutboxWriter
}

/** What `ctx.jobs.outbox(trx)` gives: enqueue in that transaction. */
export interface OutboxWriter {
  /** Writes one job row in the transaction (see `JobOutbox.enqueue`). */
  enqueue<J extends MegaJob>(
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options?: EnqueueOptions,
  ): Promise<OutboxEnqueueResult>
}

/** The outbox side of the client: a writer bound to a transaction. */
export type OutboxWriterFactory = (trx?: OutboxTransaction) => OutboxWriter

declare module '@mega/core' {
  interface MegaContextFeatures {
    /** Durable jobs: `ctx.jobs.enqueue(SendEmailJob, { to })` (`@mega/jobs`'s `jobs()` plugin). */
    jobs: JobsClient
  }
}

const jobsFeature = defineContextFeature('jobs', {
  plugin: 'jobs',
  hint: 'add jobs() from @mega/jobs to plugins in mega.config.ts.',
})

/** `ctx.jobs` on every request context of the server, enqueuing on `queue()` (made on first use). */
export function provideJobsClient(
  api: PluginApi,
  queue: () => JobQueue,
  outbox: OutboxWriterFactory = noOutbox,
  onEnqueued: (result: EnqueueResult) => void = () => undefined,
): JobsClient {
  const client: JobsClient = {
    enqueue: async (JobClass, payload, options) => {
      const result = await queue().enqueue(JobClass, payload, options)
      onEnqueued(result)
      return result
    },
    enqueueMany: async (JobClass, items) => {
      const results = await queue().enqueueMany(JobClass, items)
      for (const r of results) if (r.ok) onEnqueued(r)
      return results
    },
    outbox,
  }
  jobsFeature.provide(api.fastify, () => client)
  return client
}

function noOutbox(): never {
  throw jobsError(
    'MEGA_JOBS_OUTBOX_NOT_CONFIGURED',
    "ctx.jobs.outbox() needs the outbox: add outbox: { db: 'db' } to jobs() in mega.config.ts (the alias of the app's SQL db adapter).",
  )
}
