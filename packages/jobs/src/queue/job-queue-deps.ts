import type { MegaTracer } from '@mega/observe'
import type { JobQueueEventMap, JobQueueEventName } from './job-queue-events.js'
import type { JobPublish, ResolvedJobQueueConfig } from './job-queue-options.js'

/** What the message handler and the DLQ routing need from their queue. */
export interface JobQueueDeps {
  readonly config: ResolvedJobQueueConfig
  readonly publish: JobPublish
  readonly now: () => number
  readonly tracer: MegaTracer
  /** Emits an event; a throwing listener is reported and never reaches the caller. */
  emit<K extends JobQueueEventName>(event: K, payload: JobQueueEventMap[K][0]): void
}
