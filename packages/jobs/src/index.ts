// @mega/jobs: the public API, named explicitly.
export { megaDrivers } from './drivers.js'
export { natsDriver } from './bus/nats/nats-driver.js'
export { NatsBusAdapter } from './bus/nats/nats-bus-adapter.js'
export type { NatsBusScope } from './bus/nats/nats-bus-adapter.js'
export type { NatsConnect } from './bus/nats/nats-connection.js'
export type { NatsBusOptions } from './bus/nats/nats-options.js'
export { JOBS_ERRORS, JOBS_ERROR_CODES } from './errors.js'
export type { JobsErrorCode } from './errors.js'

// MegaWorker: a worker_threads / child-process pool for CPU-bound work
export { MegaWorker } from './worker/mega-worker.js'
export type {
  CloseWorkerOptions,
  RunTaskArgs,
  RunTaskOptions,
  UntypedTasks,
  WorkerStats,
} from './worker/mega-worker.js'
export { defineTasks } from './worker/task-module.js'
export type { TaskHandler, TaskInput, TaskMap, TaskOutput } from './worker/task-module.js'
export {
  DEFAULT_MAX_QUEUE_PER_WORKER,
  DEFAULT_WORKER_CLOSE_TIMEOUT_MS,
  WORKER_MODES,
} from './worker/worker-options.js'
export type { MegaWorkerConfig, WorkerMode, WorkerResourceLimits } from './worker/worker-options.js'
export { WORKER_METRIC_NAMES } from './worker/worker-metrics.js'
export type { MetricsSink } from './metrics-sink.js'

// MegaCircuitBreaker: closed / open / half-open around calls to a remote dependency
export { MegaCircuitBreaker } from './breaker/mega-circuit-breaker.js'
export type { CircuitStats } from './breaker/mega-circuit-breaker.js'
export { CIRCUIT_EVENTS, CIRCUIT_STATES } from './breaker/breaker-events.js'
export type {
  CircuitEvent,
  CircuitEventMap,
  CircuitListener,
  CircuitOpenReason,
  CircuitState,
} from './breaker/breaker-events.js'
export {
  DEFAULT_CIRCUIT_FAILURE_THRESHOLD,
  DEFAULT_CIRCUIT_RESET_TIMEOUT_MS,
} from './breaker/breaker-options.js'
export type {
  CircuitBreakerConfig,
  CircuitClock,
  CircuitFailureRate,
} from './breaker/breaker-options.js'
export { CIRCUIT_METRIC_NAMES } from './breaker/breaker-metrics.js'
export type { CircuitCallOutcome } from './breaker/breaker-metrics.js'
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
export type { JobQueue, JobDeadLetterQueue, JobQueueListener } from './queue/job-queue-types.js'
export { MemoryJobQueue, MEMORY_QUEUE_WARNING_CODE } from './queue/memory-job-queue.js'
export type {
  MemoryJobQueueConfig,
  MemoryJobQueueWarn,
  ResolvedMemoryJobQueueConfig,
} from './queue/memory-job-queue.js'
export {
  MegaSchedule,
  MISSED_TICK_POLICIES,
  DEFAULT_SCHEDULE_TIMEZONE,
} from './schedule/mega-schedule.js'
export type {
  MissedTickPolicy,
  ScheduleClass,
  ScheduleContext,
  ScheduleStatics,
} from './schedule/mega-schedule.js'
export { defineSchedule } from './schedule/define-schedule.js'
export type { ScheduleDefinition } from './schedule/define-schedule.js'
export { SCHEDULE_OUTCOMES, SCHEDULE_TICKS_METRIC } from './schedule/schedule-metrics.js'
export type { ScheduleOutcome } from './schedule/schedule-metrics.js'
export type { ScheduleTickInfo } from './schedule/scheduler.js'
export type { ScheduleTimers } from './schedule/schedule-timers.js'
export { jobs } from './plugin/jobs-plugin.js'
export {
  SCHEDULE_RUN_IN,
  DEFAULT_JOBS_BUS,
  DEFAULT_OUTBOX_DB,
  DEFAULT_SCHEDULE_GRACE_MS,
  DEFAULT_SCHEDULE_KEY_PREFIX,
  DEFAULT_SCHEDULE_LOCK,
  DEFAULT_SCHEDULE_LOCK_TTL_MS,
  DEFAULT_SCHEDULE_STOP_TIMEOUT_MS,
} from './plugin/jobs-options.js'
export type {
  JobsOptions,
  JobsOutboxOptions,
  JobsQueueOptions,
  SchedulesOptions,
  ScheduleRunIn,
} from './plugin/jobs-options.js'
export type { JobsClient, OutboxWriter } from './plugin/jobs-client.js'
export { runWorkers } from './plugin/run-workers.js'
export type { RunWorkersOptions, MegaWorkers } from './plugin/run-workers.js'

// Transactional outbox (src/outbox): enqueue inside the app's SQL transaction, relayed after commit
export { JobOutbox } from './outbox/job-outbox.js'
export type { JobOutboxConfig } from './outbox/job-outbox.js'
export { OutboxRelay } from './outbox/outbox-relay.js'
export type { OutboxRelayConfig } from './outbox/outbox-relay.js'
export { ensureOutboxTable } from './outbox/outbox-table.js'
export {
  OUTBOX_DIALECTS,
  DEFAULT_OUTBOX_TABLE,
  DEFAULT_OUTBOX_POLL_MS,
  DEFAULT_OUTBOX_BATCH_SIZE,
} from './outbox/outbox-types.js'
export type {
  OutboxDatabase,
  OutboxDialect,
  OutboxEnqueueResult,
  OutboxRelayResult,
  OutboxTransaction,
} from './outbox/outbox-types.js'
// Operations: the app's queue connected on its own (mega jobs dlq), metrics, readiness
export { connectJobQueue } from './plugin/connect-job-queue.js'
export type { ConnectJobQueueOptions, JobQueueConnection } from './plugin/connect-job-queue.js'
export { JOBS_HEALTH_CHECK } from './plugin/jobs-health.js'
