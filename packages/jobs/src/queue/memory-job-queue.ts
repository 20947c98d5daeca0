import { EventEmitter } from 'node:events'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { dlqEnvelope } from './dead-letter-route.js'
import type { JobProcessor, JobProcessorStopResult } from './job-processor.js'
import { guardJobQueueEvents, safeEmitJobEvent, warnListenerError } from './job-queue-emitter.js'
import type { JobQueueEventMap, JobQueueEventName } from './job-queue-events.js'
import {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_RUN_TIMEOUT_MS,
  DEFAULT_STREAM_PREFIX,
} from './job-queue-options.js'
import {
  enqueueEach,
  resolveEnqueueOptions,
  type EnqueueItem,
  type EnqueueItemResult,
  type EnqueueOptions,
  type EnqueueResult,
  type JobDeadLetterQueue,
  type JobQueue,
} from './job-queue-types.js'
import { payloadJson } from './job-payload.js'
import { resolveJobRunSpec, runJobAttempts, type JobRunSpec } from './job-run.js'
import { jobStreamNames } from './job-streams.js'
import { MemoryDeadLetterQueue } from './memory-dead-letter-queue.js'
import {
  resolveJobSubject,
  type JobClass,
  type JobContext,
  type JobPayload,
  type MegaJob,
} from './mega-job.js'

/** The warning code of a {@link MemoryJobQueue} made with `NODE_ENV=production`. */
export const MEMORY_QUEUE_WARNING_CODE = 'MEGA_JOBS_MEMORY_QUEUE'

/** Emits a process warning (the shape of `process.emitWarning(message, { type, code })`). */
export type MemoryJobQueueWarn = (
  message: string,
  options: { readonly type: string; readonly code: string },
) => void

/** Configuration of a {@link MemoryJobQueue}; validated at construction (MEGA_CONFIG_INVALID). */
export interface MemoryJobQueueConfig {
  /** Cap on one whole run in ms, retries included, 0 = unlimited; a job's static timeoutMs wins. @default 1800000 (30 min) */
  readonly runTimeoutMs?: number
  /** How long a `dedupeId` is remembered, in ms. @default 120000 */
  readonly duplicateWindowMs?: number
  /** How long `stop()` and `close()` wait for runs in flight, in ms. @default 30000 */
  readonly stopTimeoutMs?: number
  /** The clock, in epoch ms (a seam for tests): delays, the dedupe window and `failedAt`. @default Date.now */
  readonly now?: () => number
  /** Told when an event listener throws (the throw changes nothing else). @default a process warning */
  readonly onListenerError?: (error: unknown, event: string) => void
  /** Emits the one-time production warning. @default process.emitWarning */
  readonly warn?: MemoryJobQueueWarn
}

const fn = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', `must be ${what}`).optional()

const memoryJobQueueConfigSchema = z.strictObject({
  runTimeoutMs: z.number().int().min(0).default(DEFAULT_RUN_TIMEOUT_MS),
  duplicateWindowMs: z.number().int().min(1).default(DEFAULT_DUPLICATE_WINDOW_MS),
  stopTimeoutMs: z.number().int().min(0).default(30_000),
  now: fn<() => number>('a function returning epoch ms'),
  onListenerError: fn<(error: unknown, event: string) => void>('a function'),
  warn: fn<MemoryJobQueueWarn>('a function like process.emitWarning'),
})

/** A {@link MemoryJobQueueConfig} validated, with defaults. */
export type ResolvedMemoryJobQueueConfig = z.output<typeof memoryJobQueueConfigSchema>

const emitProcessWarning: MemoryJobQueueWarn = (message, options) =>
  process.emitWarning(message, { type: options.type, code: options.code })

/** The warn functions that already warned: the warning is given once per process (per function). */
const warned = new WeakSet<MemoryJobQueueWarn>()

/** The same names as a MegaJobQueue with the default prefix: DLQ envelopes and events match. */
const NAMES = jobStreamNames(DEFAULT_STREAM_PREFIX)

interface QueuedJob {
  readonly seq: number
  readonly subject: string
  readonly json: string
  readonly notBefore: number
}

interface Worker {
  readonly spec: JobRunSpec
  readonly concurrency: number
  readonly inFlight: Set<Promise<void>>
}

/**
 * An in-process job queue with the API and the run rules of {@link MegaJobQueue} — retries with
 * backoff, the run timeout (`abandoned-run`), the events and a DLQ — for apps and tests without
 * NATS. Not durable: queued, delayed, running and dead-lettered jobs are lost when the process
 * exits, so it warns once when made with `NODE_ENV=production`. Each job runs once per enqueue
 * (deliveryCount 1); `process()` runs up to the job's `concurrency` at once, in enqueue order.
 *
 * @example
 * const queue = new MemoryJobQueue()
 * const worker = await queue.process(SendEmailJob, new SendEmailJob(mailer))
 * await queue.enqueue(SendEmailJob, { to: 'a@b.c' }, { dedupeId: 'welcome-42' })
 * await queue.close()
 */
export class MemoryJobQueue extends EventEmitter<JobQueueEventMap> implements JobQueue {
  /** The configuration, validated, with defaults. */
  readonly config: ResolvedMemoryJobQueueConfig
  /** The dead-letter queue tools (held in memory). */
  readonly dlq: JobDeadLetterQueue
  readonly #dlq: MemoryDeadLetterQueue
  readonly #now: () => number
  readonly #queued: QueuedJob[] = []
  readonly #dedupe = new Map<string, { readonly seq: number; readonly at: number }>()
  readonly #workers = new Map<Worker, JobProcessor>()
  #seq = 0
  #pumpScheduled = false
  #timer: NodeJS.Timeout | undefined
  #timerAt = Infinity

  constructor(config: MemoryJobQueueConfig = {}) {
    super()
    this.config = parseOptions(memoryJobQueueConfigSchema, config, 'MemoryJobQueue')
    guardJobQueueEvents(this, 'MemoryJobQueue')
    this.#now = this.config.now ?? Date.now
    this.#dlq = new MemoryDeadLetterQueue((subject, payload) =>
      this.#push(subject, payloadJson(payload, subject), 0),
    )
    this.dlq = this.#dlq
    const warn = this.config.warn ?? emitProcessWarning
    if (process.env.NODE_ENV === 'production' && !warned.has(warn)) {
      warned.add(warn)
      warn(
        'MemoryJobQueue keeps jobs in this process only: queued, delayed, running and dead-lettered jobs are lost when it exits. Use MegaJobQueue (NATS JetStream) in production.',
        { type: 'MegaJobsWarning', code: MEMORY_QUEUE_WARNING_CODE },
      )
    }
  }

  #emit<K extends JobQueueEventName>(event: K, payload: JobQueueEventMap[K][0]): void {
    safeEmitJobEvent(this, event, payload, (err, name) =>
      this.config.onListenerError
        ? this.config.onListenerError(err, name)
        : warnListenerError('MemoryJobQueue', err, name),
    )
  }

  #push(subject: string, json: string, delayMs: number): number {
    const seq = ++this.#seq
    this.#queued.push({ seq, subject, json, notBefore: delayMs ? this.#now() + delayMs : 0 })
    this.#schedulePump()
    return seq
  }

  /**
   * Queues one job. `dedupeId` drops a second enqueue with the same id within `duplicateWindowMs`
   * (`duplicate: true`, the first one's seq); `delayMs` defers the run. The payload must be JSON
   * (MEGA_JOB_PAYLOAD_INVALID); the run gets a JSON copy of it.
   *
   * @example
   * const { seq } = await queue.enqueue(SendEmailJob, { to: 'a@b.c' }, { delayMs: 60_000 })
   */
  async enqueue<J extends MegaJob>(
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult> {
    const subject = resolveJobSubject(JobClass)
    const o = resolveEnqueueOptions(options, 'enqueue options', subject)
    const json = payloadJson(payload, subject)
    const now = this.#now()
    for (const [id, seen] of this.#dedupe) {
      if (now - seen.at < this.config.duplicateWindowMs) break
      this.#dedupe.delete(id)
    }
    const first = o.dedupeId === undefined ? undefined : this.#dedupe.get(o.dedupeId)
    if (first !== undefined) return { subject, seq: first.seq, duplicate: true }
    const seq = this.#push(subject, json, o.delayMs ?? 0)
    if (o.dedupeId !== undefined) this.#dedupe.set(o.dedupeId, { seq, at: now })
    return { subject, seq, duplicate: false }
  }

  /**
   * Queues several jobs in order, one result per item: a failure is reported in its slot and does
   * not stop the others.
   *
   * @example
   * const results = await queue.enqueueMany(SendEmailJob, [{ payload: { to: 'a@b.c' } }])
   */
  enqueueMany<J extends MegaJob>(
    JobClass: JobClass<J>,
    items: readonly EnqueueItem<JobPayload<J>>[],
  ): Promise<EnqueueItemResult[]> {
    return enqueueEach((payload, options) => this.enqueue(JobClass, payload, options), items)
  }

  /**
   * Runs `JobClass`'s jobs, `concurrency` at once in enqueue order, until `stop()`, which waits for
   * runs in flight up to `stopTimeoutMs`. Jobs queued before `process` wait for it. `instance`
   * defaults to `new JobClass()`; `ctx` is passed to every `run`.
   *
   * @example
   * const worker = await queue.process(SendEmailJob, new SendEmailJob(mailer))
   * await worker.stop()
   */
  async process<J extends MegaJob>(
    JobClass: JobClass<J>,
    instance?: J,
    ctx?: JobContext<J>,
  ): Promise<JobProcessor> {
    const { concurrency, ...spec } = resolveJobRunSpec(
      JobClass,
      instance,
      ctx,
      this.config.runTimeoutMs,
    )
    const worker: Worker = {
      spec,
      concurrency,
      inFlight: new Set(),
    }
    const processor: JobProcessor = {
      subject: spec.subject,
      stop: () => this.#stop(worker),
    }
    this.#workers.set(worker, processor)
    this.#schedulePump()
    return processor
  }

  async #stop(worker: Worker): Promise<JobProcessorStopResult> {
    this.#workers.delete(worker)
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.stopTimeoutMs)
    })
    await Promise.race([Promise.allSettled([...worker.inFlight]), bound])
    clearTimeout(timer)
    return { pending: worker.inFlight.size }
  }

  /**
   * Stops every processor (each waits for its runs in flight up to `stopTimeoutMs`); jobs still
   * queued stay queued for a later `process`. Returns the runs still in flight.
   *
   * @example
   * const { pending } = await queue.close()
   */
  async close(): Promise<JobProcessorStopResult> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAt = Infinity
    const results = await Promise.all([...this.#workers.values()].map((p) => p.stop()))
    return { pending: results.reduce((sum, r) => sum + r.pending, 0) }
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return
    this.#pumpScheduled = true
    queueMicrotask(() => {
      this.#pumpScheduled = false
      this.#pump()
    })
  }

  /** Starts every ready job a worker has room for, then arms a timer for the next delayed one. */
  #pump(): void {
    const now = this.#now()
    for (const worker of this.#workers.keys()) {
      while (worker.inFlight.size < worker.concurrency) {
        const i = this.#queued.findIndex(
          (j) => j.subject === worker.spec.subject && j.notBefore <= now,
        )
        if (i === -1) break
        const [job] = this.#queued.splice(i, 1)
        if (job !== undefined) this.#start(worker, job)
      }
    }
    const subjects = new Set([...this.#workers.keys()].map((w) => w.spec.subject))
    let next = Infinity
    for (const j of this.#queued)
      if (j.notBefore > now && subjects.has(j.subject)) next = Math.min(next, j.notBefore)
    if (next === Infinity || next >= this.#timerAt) return
    clearTimeout(this.#timer)
    this.#timerAt = next
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#timerAt = Infinity
      this.#pump()
    }, next - now)
    this.#timer.unref()
  }

  #start(worker: Worker, job: QueuedJob): void {
    const running = this.#run(worker.spec, job).finally(() => {
      worker.inFlight.delete(running)
      this.#schedulePump()
    })
    worker.inFlight.add(running)
  }

  async #run(spec: JobRunSpec, job: QueuedJob): Promise<void> {
    const { subject, seq } = job
    const payload = JSON.parse(job.json) as unknown
    this.#emit('start', { subject, seq, deliveryCount: 1 })
    const emit = <K extends JobQueueEventName>(event: K, p: JobQueueEventMap[K][0]) =>
      this.#emit(event, p)
    const outcome = await runJobAttempts({ spec, seq, payload, emit })
    if (outcome.ok) {
      this.#emit('done', { subject, seq, result: outcome.result })
      return
    }
    const { error } = outcome
    const envelope = dlqEnvelope({
      originalSubject: NAMES.wireSubject(subject),
      deliveryCount: 1,
      error,
      payload,
      now: this.#now(),
    })
    const dlqSeq = this.#dlq.add(subject, 'run', envelope)
    this.#emit('fail', { subject, seq, error, phase: 'run' })
    this.#emit('dlq', { subject, seq, dlqSubject: NAMES.dlqSubject(subject), dlqSeq, error })
  }
}
