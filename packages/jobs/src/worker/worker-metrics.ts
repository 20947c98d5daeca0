import type { MetricsSink } from '../metrics-sink.js'

/** Metric names of the worker pool (Prometheus-style, valid OpenTelemetry names). */
export const WORKER_METRIC_NAMES = {
  tasks: 'mega_worker_tasks_total',
  busy: 'mega_worker_busy',
  queued: 'mega_worker_queued',
} as const

/** How a task ended, the `outcome` label of `mega_worker_tasks_total`. */
export type TaskOutcome =
  'completed' | 'failed' | 'timeout' | 'crashed' | 'aborted' | 'closed' | 'rejected'

/** What a pool records. */
export interface WorkerMetrics {
  ended(outcome: TaskOutcome): void
  /** Stops reading the pool's gauges. */
  remove(): void
}

const none: WorkerMetrics = Object.freeze({ ended: () => undefined, remove: () => undefined })

/** The pool's instruments on `sink`, or nothing without one. Gauges are read at scrape time. */
export function workerMetrics(
  sink: MetricsSink | undefined,
  pool: string,
  read: () => { readonly busy: number; readonly queued: number },
): WorkerMetrics {
  if (sink === undefined) return none
  const tasks = sink.counter(WORKER_METRIC_NAMES.tasks, {
    description: 'Worker pool tasks by how they ended',
    labels: ['pool', 'outcome'],
  })
  const busy = sink.observableGauge(WORKER_METRIC_NAMES.busy, {
    description: 'Worker pool members running a task',
    labels: ['pool'],
    observe: () => [{ value: read().busy, labels: { pool } }],
  })
  const queued = sink.observableGauge(WORKER_METRIC_NAMES.queued, {
    description: 'Worker pool tasks waiting for a member',
    labels: ['pool'],
    observe: () => [{ value: read().queued, labels: { pool } }],
  })
  return {
    ended: (outcome) => tasks.add(1, { pool, outcome }),
    remove: () => {
      busy.remove()
      queued.remove()
    },
  }
}
