/** The events a {@link MegaJobQueue} emits; listening to any other name is MEGA_JOB_QUEUE_EVENT_UNKNOWN. */
export const JOB_QUEUE_EVENTS = Object.freeze(['start', 'done', 'retry', 'fail', 'dlq'] as const)

/** One of {@link JOB_QUEUE_EVENTS}. */
export type JobQueueEventName = (typeof JOB_QUEUE_EVENTS)[number]

/** Where a job failed (the `phase` of a `fail` event). */
export const JOB_FAIL_PHASES = Object.freeze([
  'run',
  'decode',
  'dlq-publish',
  'dlq-orphan',
  'max-deliver',
  'consume-loop',
  'abandoned-run',
] as const)

/** One of {@link JOB_FAIL_PHASES}. */
export type JobFailPhase = (typeof JOB_FAIL_PHASES)[number]

/** `start`: a delivery is about to run. */
export interface JobStartEvent {
  readonly subject: string
  readonly seq: number
  readonly deliveryCount: number
}

/** `done`: the run succeeded and the message was acked. */
export interface JobDoneEvent {
  readonly subject: string
  readonly seq: number
  readonly result: unknown
}

/** `retry`: an attempt failed and another follows. */
export interface JobRetryEvent {
  readonly subject: string
  readonly seq: number
  readonly attempt: number
  readonly retriesLeft: number
  readonly error: unknown
}

/**
 * `fail`: something failed for good. `seq` is undefined for a `consume-loop` error of the loop itself. For `dlq-publish`
 * and `dlq-orphan`, `error` is the publish error and `jobError` the failure that sent the job to
 * the DLQ; `nakDelayMs` comes with `dlq-publish`.
 */
export interface JobFailEvent {
  readonly subject: string
  readonly seq: number | undefined
  readonly error: Error
  readonly phase: JobFailPhase
  readonly jobError?: Error
  readonly nakDelayMs?: number
}

/** `dlq`: the message was published to the DLQ and acked on the work stream. */
export interface JobDlqEvent {
  readonly subject: string
  readonly seq: number
  readonly dlqSubject: string
  readonly dlqSeq: number
  readonly error: Error
}

/** The typed event map of {@link MegaJobQueue} (Node's `EventEmitter<T>` form). */
export interface JobQueueEventMap {
  start: [JobStartEvent]
  done: [JobDoneEvent]
  retry: [JobRetryEvent]
  fail: [JobFailEvent]
  dlq: [JobDlqEvent]
}
