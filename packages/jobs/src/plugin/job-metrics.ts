import { METRIC_NAMES, type MegaMetrics } from '@mega/observe'
import type { EnqueueResult } from '../queue/job-queue-types.js'
import type { JobFailPhase } from '../queue/job-queue-events.js'
import type { JobQueue } from '../queue/job-queue-types.js'

/** The slice of observe's `MegaMetrics` job metrics are recorded through. */
export type JobMetricsSink = Pick<MegaMetrics, 'counter' | 'histogram'>

/** What the jobs() plugin records: enqueues through `ctx.jobs`, and every run of its queue. */
export interface JobMetrics {
  /** Counts an enqueue that reached the queue (a duplicate dropped by `dedupeId` is not counted). */
  enqueued(result: EnqueueResult): void
  /** Records the queue's runs from its events. */
  watch(queue: JobQueue): void
}

/** Phases that are not a job failing: the loop itself, and a run already reported as failed. */
const NOT_A_JOB_FAILURE: ReadonlySet<JobFailPhase> = new Set(['consume-loop', 'abandoned-run'])

const none: JobMetrics = Object.freeze({ enqueued: () => undefined, watch: () => undefined })

/**
 * observe's standard job instruments (`mega_jobs_{enqueued,started,completed,failed,retried,
 * dead_lettered}_total{queue,job}` and `mega_job_duration_seconds{queue,job,outcome}`) on `sink`, or
 * nothing without one. `queue` names the queue in the labels (the stream prefix, or `memory`).
 */
export function jobMetrics(sink: JobMetricsSink | undefined, queue: string): JobMetrics {
  if (sink === undefined) return none
  const labels = ['queue', 'job']
  const counter = (name: string, description: string) => sink.counter(name, { description, labels })
  const enqueued = counter(METRIC_NAMES.jobsEnqueued, 'Jobs enqueued')
  const started = counter(METRIC_NAMES.jobsStarted, 'Job runs started')
  const completed = counter(METRIC_NAMES.jobsCompleted, 'Job runs that succeeded')
  const failed = counter(METRIC_NAMES.jobsFailed, 'Job runs that failed after their retries')
  const retried = counter(METRIC_NAMES.jobsRetried, 'Job attempts that failed and were retried')
  const dead = counter(METRIC_NAMES.jobsDeadLettered, 'Jobs moved to the dead-letter queue')
  const duration = sink.histogram(METRIC_NAMES.jobDuration, {
    description: 'Job run duration, retries included',
    unit: 's',
    labels: ['queue', 'job', 'outcome'],
  })
  const startedAt = new Map<string, number>()
  const key = (subject: string, seq: number | undefined) => `${subject}#${seq}`
  const ended = (subject: string, seq: number | undefined, outcome: 'completed' | 'failed') => {
    const at = startedAt.get(key(subject, seq))
    if (at === undefined) return
    startedAt.delete(key(subject, seq))
    duration.record((performance.now() - at) / 1000, { queue, job: subject, outcome })
  }
  return {
    enqueued: (result) => {
      if (!result.duplicate) enqueued.add(1, { queue, job: result.subject })
    },
    watch: (q) => {
      q.on('start', ({ subject, seq }) => {
        startedAt.set(key(subject, seq), performance.now())
        started.add(1, { queue, job: subject })
      })
      q.on('done', ({ subject, seq }) => {
        ended(subject, seq, 'completed')
        completed.add(1, { queue, job: subject })
      })
      q.on('retry', ({ subject }) => retried.add(1, { queue, job: subject }))
      q.on('fail', ({ subject, seq, phase }) => {
        if (NOT_A_JOB_FAILURE.has(phase)) return
        ended(subject, seq, 'failed')
        failed.add(1, { queue, job: subject })
      })
      q.on('dlq', ({ subject }) => dead.add(1, { queue, job: subject }))
    },
  }
}
