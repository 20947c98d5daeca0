import { EventEmitter } from 'node:events'
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream'
import { headers as natsHeaders } from '@nats-io/transport-node'
import {
  type MegaError,
  injectTraceContext,
  tracer as defaultTracer,
  toMegaError,
} from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { jobsError } from '../errors.js'
import { DeadLetterQueue } from './dead-letter-queue.js'
import {
  JOB_QUEUE_EVENTS,
  type JobQueueEventMap,
  type JobQueueEventName,
} from './job-queue-events.js'
import type { JobQueueDeps } from './job-queue-deps.js'
import {
  jobQueueConfigSchema,
  type JobPublish,
  type MegaJobQueueConfig,
  type ResolvedJobQueueConfig,
} from './job-queue-options.js'
import { NOT_BEFORE_HEADER, encodePayload } from './job-payload.js'
import { jobStreamNames, ensureStream, streamConfigs, type JobStreamNames } from './job-streams.js'
import {
  resolveJobConcurrency,
  resolveJobRetryConfig,
  resolveJobRunTimeoutMs,
  resolveJobSubject,
  type JobClass,
  type JobContext,
  type JobPayload,
  type MegaJob,
} from './mega-job.js'
import { startJobProcessor, type JobProcessor } from './job-processor.js'

/** Options of one {@link MegaJobQueue.enqueue}. */
export interface EnqueueOptions {
  /** Run no earlier than this many ms from now. @default 0 */
  readonly delayMs?: number
  /** Drop a second enqueue with the same id within the stream's duplicate window (JetStream `Nats-Msg-Id`). */
  readonly dedupeId?: string
}

/** What one enqueue did: the work stream sequence, and whether the server dropped it as a duplicate. */
export interface EnqueueResult {
  readonly subject: string
  readonly seq: number
  readonly duplicate: boolean
}

/** One job of {@link MegaJobQueue.enqueueMany}. */
export interface EnqueueItem<P> {
  readonly payload: P
  readonly options?: EnqueueOptions
}

/** The result of one item of {@link MegaJobQueue.enqueueMany}. */
export type EnqueueItemResult =
  ({ readonly ok: true } & EnqueueResult) | { readonly ok: false; readonly error: MegaError }

const enqueueOptionsSchema = z.strictObject({
  delayMs: z.number().int().min(0).optional(),
  dedupeId: z.string().min(1).optional(),
})

/**
 * A durable job queue on NATS JetStream (at least once): `enqueue` publishes jobs, `process` runs
 * them with retries, a run timeout and a dead-letter queue (`dlq`). Events (`start`, `done`,
 * `retry`, `fail`, `dlq`) are emitted after the ack or nak they report; a throwing listener changes
 * nothing. Listening to any other event name throws MEGA_JOB_QUEUE_EVENT_UNKNOWN.
 *
 * @example
 * const queue = new MegaJobQueue({ nc: bus.connection })
 * queue.on('fail', (e) => log.warn(e, 'job failed'))
 * const worker = await queue.process(SendEmailJob)
 * await queue.enqueue(SendEmailJob, { to: 'a@b.c' }, { dedupeId: 'welcome-42' })
 * await worker.stop()
 */
export class MegaJobQueue extends EventEmitter<JobQueueEventMap> {
  /** The configuration, validated, with defaults. */
  readonly config: ResolvedJobQueueConfig
  /** The dead-letter queue tools. */
  readonly dlq: DeadLetterQueue
  readonly #names: JobStreamNames
  readonly #js: JetStreamClient
  readonly #deps: JobQueueDeps
  #jsm: Promise<JetStreamManager> | undefined
  #streams: Promise<void> | undefined

  constructor(config: MegaJobQueueConfig) {
    super()
    this.config = parseOptions(jobQueueConfigSchema, config, 'MegaJobQueue')
    ;(this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'removeListener' || event === 'newListener') return
      if (!(JOB_QUEUE_EVENTS as readonly (string | symbol)[]).includes(event))
        throw jobsError(
          'MEGA_JOB_QUEUE_EVENT_UNKNOWN',
          `MegaJobQueue has no event "${String(event)}": listen to one of ${JOB_QUEUE_EVENTS.join(', ')}.`,
        )
    })
    this.#names = jobStreamNames(this.config.streamPrefix)
    this.#js = jetstream(this.config.nc)
    const publish = this.config.publish ?? this.#jsPublish
    this.#deps = {
      config: this.config,
      publish,
      now: this.config.now ?? Date.now,
      tracer: this.config.tracer ?? defaultTracer,
      emit: (event, payload) => this.#safeEmit(event, payload),
    }
    this.dlq = new DeadLetterQueue(() => this.#ready(), this.#names, publish)
  }

  readonly #jsPublish: JobPublish = async (subject, data, options) => {
    const ack = await this.#js.publish(subject, data, options)
    return { seq: ack.seq, duplicate: ack.duplicate }
  }

  #safeEmit<K extends JobQueueEventName>(event: K, payload: JobQueueEventMap[K][0]): void {
    for (const listener of this.rawListeners(event) as ((p: unknown) => unknown)[]) {
      try {
        const r = listener(payload)
        if (r instanceof Promise) r.catch((err: unknown) => this.#listenerError(err, event))
      } catch (err) {
        this.#listenerError(err, event)
      }
    }
  }

  #listenerError(err: unknown, event: string): void {
    if (this.config.onListenerError) return this.config.onListenerError(err, event)
    process.emitWarning(
      `A MegaJobQueue "${event}" listener threw: ${String(err)}`,
      'MegaJobQueueWarning',
    )
  }

  /** The manager, with both streams ensured (once; a failure is retried on the next call). */
  #ready(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.config.nc)
    this.#streams ??= this.#jsm
      .then(async (jsm) => {
        for (const s of streamConfigs(this.#names, this.config)) await ensureStream(jsm, s)
      })
      .catch((err: unknown) => {
        this.#jsm = undefined
        this.#streams = undefined
        throw unavailable('set up the job streams', err)
      })
    const jsm = this.#jsm
    return this.#streams.then(() => jsm)
  }

  /**
   * Publishes one job. `dedupeId` drops a second enqueue with the same id within the duplicate
   * window (`duplicate: true`, the first one's seq); `delayMs` defers the run.
   *
   * @example
   * const { seq, duplicate } = await queue.enqueue(SendEmailJob, { to: 'a@b.c' }, { delayMs: 60_000 })
   */
  async enqueue<J extends MegaJob>(
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const subject = resolveJobSubject(JobClass)
    const o = parseOptions(enqueueOptionsSchema, options, `enqueue options of job "${subject}"`)
    const data = encodePayload(payload, subject)
    const h = natsHeaders()
    for (const [key, value] of Object.entries(injectTraceContext())) h.set(key, value)
    if (o.delayMs) h.set(NOT_BEFORE_HEADER, String(this.#deps.now() + o.delayMs))
    await this.#ready()
    try {
      const ack = await this.#deps.publish(this.#names.wireSubject(subject), data, {
        headers: h,
        ...(o.dedupeId === undefined ? {} : { msgID: o.dedupeId }),
      })
      return { subject, seq: ack.seq, duplicate: ack.duplicate }
    } catch (err) {
      throw unavailable(`enqueue job "${subject}"`, err)
    }
  }

  /**
   * Publishes several jobs in order, one result per item: a failure is reported in its slot and does
   * not stop the others.
   *
   * @example
   * const results = await queue.enqueueMany(SendEmailJob, [{ payload: { to: 'a@b.c' } }])
   */
  async enqueueMany<J extends MegaJob>(
    JobClass: JobClass<J>,
    items: readonly EnqueueItem<JobPayload<J>>[],
  ): Promise<EnqueueItemResult[]> {
    const results: EnqueueItemResult[] = []
    for (const item of items) {
      results.push(
        await this.enqueue(JobClass, item.payload, item.options).then(
          (r): EnqueueItemResult => ({ ok: true, ...r }),
          (err: unknown): EnqueueItemResult => ({ ok: false, error: toMegaError(err) }),
        ),
      )
    }
    return results
  }

  /**
   * Runs `JobClass`'s messages with a durable pull consumer (`concurrency` at once) until `stop()`,
   * which waits for runs in flight up to `stopTimeoutMs`. `instance` defaults to `new JobClass()`;
   * `ctx` is passed to every `run`.
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
    const subject = resolveJobSubject(JobClass)
    const concurrency = resolveJobConcurrency(JobClass)
    const retry = resolveJobRetryConfig(JobClass)
    const runTimeoutMs = resolveJobRunTimeoutMs(JobClass, this.config.runTimeoutMs)
    const job = instance ?? new (JobClass as unknown as new () => J)()
    const spec = {
      subject,
      concurrency,
      retry,
      runTimeoutMs,
      run: (payload: unknown): unknown => job.run(payload, ctx),
    }
    const jsm = await this.#ready()
    return startJobProcessor({
      deps: this.#deps,
      js: this.#js,
      jsm,
      names: this.#names,
      spec,
    }).catch((err: unknown) => {
      throw unavailable(`start consuming job "${subject}"`, err)
    })
  }
}

function unavailable(what: string, err: unknown): MegaError {
  return jobsError(
    'MEGA_JOB_QUEUE_UNAVAILABLE',
    `Could not ${what} on NATS JetStream (${err instanceof Error ? err.message : String(err)}): check that nats-server runs with JetStream enabled (-js) and the connection is up.`,
    { cause: err },
  )
}
