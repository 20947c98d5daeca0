// The messages between the harness and a job queue process (jobs-worker.ts).

/** Which queue a process runs: Mega's MegaJobQueue, raw JetStream, or BullMQ on Redis. */
export type JobsKind = 'mega' | 'jetstream' | 'bullmq'

/** What a job queue process is started with (its process argument, as JSON). */
export interface JobsSpec {
  readonly kind: JobsKind
  readonly natsUrl: string
  readonly redisUrl: string
}

/** What every benchmark job carries: its number and when its enqueue was called. */
export interface JobsPayload {
  readonly i: number
  /** `performance.now()` of the process when `enqueue` was called. */
  readonly t: number
}

/**
 * Harness → queue process: one round on a fresh queue named `name`: `jobs` enqueues with `window`
 * in flight, while a consumer of `concurrency` runs them; the queue is deleted afterwards.
 */
export interface JobsRoundCommand {
  readonly type: 'round'
  readonly name: string
  readonly jobs: number
  readonly window: number
  readonly concurrency: number
}

/** Harness → queue process: close the connections and exit. */
export interface JobsCloseCommand {
  readonly type: 'close'
}

/** Queue process → harness: connected. */
export interface JobsReady {
  readonly type: 'ready'
}

/** Queue process → harness: what one round measured. */
export interface JobsRoundResult {
  readonly type: 'round'
  /** From the first enqueue call to the last enqueue resolved. */
  readonly enqueueSeconds: number
  /** From the first enqueue call to the last job started. */
  readonly processSeconds: number
  readonly jobs: number
  /** Enqueue call → start of the job's handler. */
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
  /** CPU time of the process (producer and consumer) over the round, µs. */
  readonly cpuMicros: number
}

/** Queue process → harness: it could not connect or a round failed. */
export interface JobsError {
  readonly type: 'error'
  readonly message: string
}

/** Any message a queue process sends. */
export type JobsMessage = JobsReady | JobsRoundResult | JobsError
