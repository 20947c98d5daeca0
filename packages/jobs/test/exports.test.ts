import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/jobs public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "CIRCUIT_EVENTS",
        "CIRCUIT_METRIC_NAMES",
        "CIRCUIT_STATES",
        "DEFAULT_ACK_WAIT_MS",
        "DEFAULT_CIRCUIT_FAILURE_THRESHOLD",
        "DEFAULT_CIRCUIT_RESET_TIMEOUT_MS",
        "DEFAULT_DLQ_MAX_AGE_MS",
        "DEFAULT_DUPLICATE_WINDOW_MS",
        "DEFAULT_MAX_DELIVER",
        "DEFAULT_MAX_QUEUE_PER_WORKER",
        "DEFAULT_RETRY_OPTIONS",
        "DEFAULT_RUN_TIMEOUT_MS",
        "DEFAULT_STREAM_PREFIX",
        "DEFAULT_WORKER_CLOSE_TIMEOUT_MS",
        "DeadLetterQueue",
        "JOBS_ERRORS",
        "JOBS_ERROR_CODES",
        "JOB_FAIL_PHASES",
        "JOB_QUEUE_EVENTS",
        "JOB_RETRY_DEFAULTS",
        "MegaCircuitBreaker",
        "MegaJob",
        "MegaJobQueue",
        "MegaWorker",
        "NatsBusAdapter",
        "WORKER_METRIC_NAMES",
        "WORKER_MODES",
        "defineTasks",
        "megaDrivers",
        "natsDriver",
        "resolveJobRetryConfig",
        "resolveJobRunTimeoutMs",
        "resolveJobSubject",
        "withRetry",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })

  it('names exactly these types (update the snapshot when a type is added or removed on purpose)', () => {
    expect(typeExportNames(new URL('../src/index.ts', import.meta.url).pathname))
      .toMatchInlineSnapshot(`
        [
          "CircuitBreakerConfig",
          "CircuitCallOutcome",
          "CircuitClock",
          "CircuitEvent",
          "CircuitEventMap",
          "CircuitFailureRate",
          "CircuitListener",
          "CircuitOpenReason",
          "CircuitState",
          "CircuitStats",
          "CloseWorkerOptions",
          "DlqEntry",
          "DlqEnvelope",
          "DlqListOptions",
          "DlqPage",
          "DlqRedriveResult",
          "EnqueueItem",
          "EnqueueItemResult",
          "EnqueueOptions",
          "EnqueueResult",
          "JobBackoff",
          "JobClass",
          "JobContext",
          "JobDlqEvent",
          "JobDoneEvent",
          "JobFailEvent",
          "JobFailPhase",
          "JobPayload",
          "JobProcessor",
          "JobProcessorStopResult",
          "JobPublish",
          "JobPublishAck",
          "JobQueueEventMap",
          "JobQueueEventName",
          "JobRetryConfig",
          "JobRetryEvent",
          "JobStartEvent",
          "JobStatics",
          "JobsErrorCode",
          "MegaJobQueueConfig",
          "MegaWorkerConfig",
          "MetricsSink",
          "NatsBusOptions",
          "NatsBusScope",
          "NatsConnect",
          "RetryAttemptInfo",
          "RetryOptions",
          "RunTaskArgs",
          "RunTaskOptions",
          "TaskHandler",
          "TaskInput",
          "TaskMap",
          "TaskOutput",
          "UntypedTasks",
          "WorkerMode",
          "WorkerResourceLimits",
          "WorkerStats",
        ]
      `)
  })
})
