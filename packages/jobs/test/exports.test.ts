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
        "DEFAULT_CIRCUIT_FAILURE_THRESHOLD",
        "DEFAULT_CIRCUIT_RESET_TIMEOUT_MS",
        "DEFAULT_MAX_QUEUE_PER_WORKER",
        "DEFAULT_WORKER_CLOSE_TIMEOUT_MS",
        "JOBS_ERRORS",
        "JOBS_ERROR_CODES",
        "MegaCircuitBreaker",
        "MegaWorker",
        "NatsBusAdapter",
        "WORKER_METRIC_NAMES",
        "WORKER_MODES",
        "defineTasks",
        "megaDrivers",
        "natsDriver",
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
          "JobsErrorCode",
          "MegaWorkerConfig",
          "MetricsSink",
          "NatsBusOptions",
          "NatsBusScope",
          "NatsConnect",
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
