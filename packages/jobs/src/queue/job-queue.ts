import { EventEmitter } from 'node:events'
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream'
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node'
import { type MegaError, injectTraceContext, tracer as defaultTracer } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { jobsError } from '../errors.js'
import { DeadLetterQueue } from './dead-letter-queue.js'
import type { JobQueueEventMap, JobQueueEventName } from './job-queue-events.js'
import { guardJobQueueEvents, safeEmitJobEvent, warnListenerError } from './job-queue-emitter.js'
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
  resolveJobSubject,
  type JobClass,
  type JobContext,
  type JobPayload,
  type MegaJob,
} from './mega-job.js'
import {
  startJobProcessor,
  type JobProcessor,
  type JobProcessorStopResult,
} from './job-processor.js'
import { resolveJobRunSpec } from './job-run.js'

import {
  enqueueEach,
  resolveEnqueueOptions,
  type EnqueueItem,
  type EnqueueItemResult,
  type EnqueueOptions,
  type EnqueueResult,
  type JobQueue,
} from './job-queue-types.js'

export type { EnqueueItem, EnqueueItemResult, EnqueueOptions, EnqueueResult }

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
export class MegaJobQueue extends EventEmitter<JobQueueEventMap> implements JobQueue {
  /** The configuration, validated, with defaults. */
  readonly config: ResolvedJobQueueConfig
  /** The dead-letter queue tools. */
  readonly dlq: DeadLetterQueue
  readonly #names: JobStreamNames
  readonly #js: JetStreamClient
  readonly #deps: JobQueueDeps
  #jsm: Promise<JetStreamManager> | undefined
  #streams: Promise<void> | undefined
  /** Set once both streams exist, so an enqueue skips the #ready() promise. */
  #streamsReady = false
  /** The processors `process()` started and nobody stopped yet: what `close()` stops. */
  readonly #processors = new Set<JobProcessor>()

  constructor(config: MegaJobQueueConfig) {
    super()
    this.config = parseOptions(jobQueueConfigSchema, config, 'MegaJobQueue')
    guardJobQueueEvents(this, 'MegaJobQueue')
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

  /** The JetStream ack already has `seq` and `duplicate`: no wrapper promise per publish. */
  readonly #jsPublish: JobPublish = (subject, data, options) =>
    this.#js.publish(subject, data, options)

  #safeEmit<K extends JobQueueEventName>(event: K, payload: JobQueueEventMap[K][0]): void {
    safeEmitJobEvent(this, event, payload, (err, name) =>
      this.config.onListenerError
        ? this.config.onListenerError(err, name)
        : warnListenerError('MegaJobQueue', err, name),
    )
  }

  /** The manager, with both streams ensured (once; a failure is retried on the next call). */
  #ready(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.config.nc)
    this.#streams ??= this.#jsm
      .then(async (jsm) => {
        for (const s of streamConfigs(this.#names, this.config)) await ensureStream(jsm, s)
        this.#streamsReady = true
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
    options?: EnqueueOptions,
  ): Promise<EnqueueResult> {
    const subject = resolveJobSubject(JobClass)
    const o = resolveEnqueueOptions(options, 'enqueue options', subject)
    const data = encodePayload(payload, subject)
    const headers = this.#publishHeaders(o.delayMs)
    if (!this.#streamsReady) await this.#ready()
    const publishOptions: { msgID?: string; headers?: MsgHdrs } = {}
    if (headers !== undefined) publishOptions.headers = headers
    if (o.dedupeId !== undefined) publishOptions.msgID = o.dedupeId
    try {
      const ack = await this.#deps.publish(this.#names.wireSubject(subject), data, publishOptions)
      return { subject, seq: ack.seq, duplicate: ack.duplicate }
    } catch (err) {
      throw unavailable(`enqueue job "${subject}"`, err)
    }
  }

  /** The trace context and not-before time to send, or undefined when there is neither. */
  #publishHeaders(delayMs: number | undefined): MsgHdrs | undefined {
    let h: MsgHdrs | undefined
    const trace = injectTraceContext()
    for (const key in trace) (h ??= natsHeaders()).set(key, trace[key] as string)
    if (delayMs) (h ??= natsHeaders()).set(NOT_BEFORE_HEADER, String(this.#deps.now() + delayMs))
    return h
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
    return enqueueEach((payload, options) => this.enqueue(JobClass, payload, options), items)
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
    const spec = resolveJobRunSpec(JobClass, instance, ctx, this.config.runTimeoutMs)
    const jsm = await this.#ready()
    const started = await startJobProcessor({
      deps: this.#deps,
      js: this.#js,
      jsm,
      names: this.#names,
      spec,
    }).catch((err: unknown) => {
      throw unavailable(`start consuming job "${spec.subject}"`, err)
    })
    const processor: JobProcessor = {
      ...started,
      stop: () => {
        this.#processors.delete(processor)
        return started.stop()
      },
    }
    this.#processors.add(processor)
    return processor
  }

  /**
   * Stops every processor `process()` started (each stops pulling and waits for its runs in flight
   * up to `stopTimeoutMs`); queued jobs stay in the stream for the next worker. The NATS connection
   * is the caller's and stays open. Returns the runs still in flight when the wait ended.
   *
   * @example
   * process.once('SIGTERM', async () => {
   *   const { pending } = await queue.close()
   *   await nc.drain()
   * })
   */
  async close(): Promise<JobProcessorStopResult> {
    const results = await Promise.all([...this.#processors].map((p) => p.stop()))
    return { pending: results.reduce((sum, r) => sum + r.pending, 0) }
  }
}

function unavailable(what: string, err: unknown): MegaError {
  return jobsError(
    'MEGA_JOB_QUEUE_UNAVAILABLE',
    `Could not ${what} on NATS JetStream (${err instanceof Error ? err.message : String(err)}): check that nats-server runs with JetStream enabled (-js) and the connection is up.`,
    { cause: err },
  )
}
