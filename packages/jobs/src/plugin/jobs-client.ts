import { defineContextFeature, type PluginApi } from '@mega/core'
import { jobsError } from '../errors.js'
import type {
  EnqueueItem,
  EnqueueItemResult,
  EnqueueOptions,
  EnqueueResult,
  MegaJobQueue,
} from '../queue/job-queue.js'
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
}

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

/** Why there is no queue: the message of every enqueue, and of a worker with jobs to run. */
export function noQueueMessage(busAlias: string, reason: string): string {
  return `Jobs need a NATS bus for their JetStream queue, and ${reason}: add adapters.${busAlias} = { driver: 'nats', url: env('NATS_URL') } to mega.config.ts (a nats-server started with -js), or name another bus with jobs({ queue: { bus } }).`
}

/** `ctx.jobs` on every request context of the server: the queue, or coded errors saying what to add. */
export function provideJobsClient(
  api: PluginApi,
  queue: MegaJobQueue | undefined,
  why: string,
): JobsClient {
  const client: JobsClient =
    queue === undefined
      ? {
          enqueue: () => Promise.reject(jobsError('MEGA_JOBS_OPTIONS_INVALID', why)),
          enqueueMany: () => Promise.reject(jobsError('MEGA_JOBS_OPTIONS_INVALID', why)),
        }
      : {
          enqueue: (JobClass, payload, options) => queue.enqueue(JobClass, payload, options),
          enqueueMany: (JobClass, items) => queue.enqueueMany(JobClass, items),
        }
  jobsFeature.provide(api.fastify, () => client)
  return client
}
