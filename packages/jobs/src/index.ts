// @mega/jobs: the public API, named explicitly.
export { megaDrivers } from './drivers.js'
export { natsDriver } from './bus/nats/nats-driver.js'
export { NatsBusAdapter } from './bus/nats/nats-bus-adapter.js'
export type { NatsBusScope } from './bus/nats/nats-bus-adapter.js'
export type { NatsConnect } from './bus/nats/nats-connection.js'
export type { NatsBusOptions } from './bus/nats/nats-options.js'
export { JOBS_ERRORS, JOBS_ERROR_CODES } from './errors.js'
export type { JobsErrorCode } from './errors.js'

// Durable JetStream queue (src/queue)
export { withRetry, DEFAULT_RETRY_OPTIONS } from './queue/with-retry.js'
export type { RetryOptions, RetryAttemptInfo } from './queue/with-retry.js'
export {
  MegaJob,
  JOB_RETRY_DEFAULTS,
  resolveJobRetryConfig,
  resolveJobRunTimeoutMs,
  resolveJobSubject,
} from './queue/mega-job.js'
export type {
  JobBackoff,
  JobClass,
  JobContext,
  JobPayload,
  JobRetryConfig,
  JobStatics,
} from './queue/mega-job.js'
export { MegaJobQueue } from './queue/job-queue.js'
export type {
  EnqueueItem,
  EnqueueItemResult,
  EnqueueOptions,
  EnqueueResult,
} from './queue/job-queue.js'
export {
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_DLQ_MAX_AGE_MS,
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_MAX_DELIVER,
  DEFAULT_RUN_TIMEOUT_MS,
  DEFAULT_STREAM_PREFIX,
} from './queue/job-queue-options.js'
export type { JobPublish, JobPublishAck, MegaJobQueueConfig } from './queue/job-queue-options.js'
export { JOB_QUEUE_EVENTS, JOB_FAIL_PHASES } from './queue/job-queue-events.js'
export type {
  JobDlqEvent,
  JobDoneEvent,
  JobFailEvent,
  JobFailPhase,
  JobQueueEventMap,
  JobQueueEventName,
  JobRetryEvent,
  JobStartEvent,
} from './queue/job-queue-events.js'
export type { JobProcessor, JobProcessorStopResult } from './queue/job-processor.js'
export { DeadLetterQueue } from './queue/dead-letter-queue.js'
export type {
  DlqEntry,
  DlqListOptions,
  DlqPage,
  DlqRedriveResult,
} from './queue/dead-letter-queue.js'
export type { DlqEnvelope } from './queue/dead-letter-route.js'
