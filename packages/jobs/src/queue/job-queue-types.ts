import { toMegaError, type MegaError } from '@mega/observe'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { DlqEnvelope } from './dead-letter-route.js'
import type { JobProcessor, JobProcessorStopResult } from './job-processor.js'
import type { JobFailPhase, JobQueueEventMap, JobQueueEventName } from './job-queue-events.js'
import type { JobClass, JobContext, JobPayload, MegaJob } from './mega-job.js'

/** One message in the dead-letter queue. */
export interface DlqEntry {
  /** Its sequence in the DLQ stream (what show, redrive and `after` take). */
  readonly seq: number
  /** The job subject (`send-email`). */
  readonly subject: string
  /** Where the job failed (`run`, `decode`, `max-deliver`), when the DLQ message says so. */
  readonly phase: JobFailPhase | undefined
  /** The envelope the queue wrote. */
  readonly envelope: DlqEnvelope
}

/** Options of `DeadLetterQueue.list`. */
export interface DlqListOptions {
  /** Only this job subject. @default every subject */
  readonly subject?: string
  /** The most entries in one page, 1–10000. @default 50 */
  readonly limit?: number
  /** Start after this DLQ sequence (the `next` of the previous page). @default 0 */
  readonly after?: number
}

/** A page of DLQ entries; `next` is the `after` of the next page, undefined on the last one. */
export interface DlqPage {
  readonly entries: readonly DlqEntry[]
  readonly next: number | undefined
}

/** What a redrive did: each entry moved back to its work subject, or why it stayed. */
export interface DlqRedriveResult {
  readonly redriven: readonly {
    readonly dlqSeq: number
    readonly subject: string
    readonly seq: number
  }[]
  readonly failed: readonly { readonly dlqSeq: number; readonly error: Error }[]
}

/** Options of one {@link JobQueue.enqueue}. */
export interface EnqueueOptions {
  /** Run no earlier than this many ms from now. @default 0 */
  readonly delayMs?: number
  /** Drop a second enqueue with the same id within the queue's duplicate window (JetStream `Nats-Msg-Id`). */
  readonly dedupeId?: string
}

/** What one enqueue did: the work sequence, and whether it was dropped as a duplicate. */
export interface EnqueueResult {
  readonly subject: string
  readonly seq: number
  readonly duplicate: boolean
}

/** One job of {@link JobQueue.enqueueMany}. */
export interface EnqueueItem<P> {
  readonly payload: P
  readonly options?: EnqueueOptions
}

/** The result of one item of {@link JobQueue.enqueueMany}. */
export type EnqueueItemResult =
  ({ readonly ok: true } & EnqueueResult) | { readonly ok: false; readonly error: MegaError }

/** The zod schema of {@link EnqueueOptions}. */
export const enqueueOptionsSchema = z.strictObject({
  delayMs: z.number().int().min(0).optional(),
  dedupeId: z.string().min(1).optional(),
})

const NO_ENQUEUE_OPTIONS: EnqueueOptions = Object.freeze({})

/** True when `o` surely passes {@link enqueueOptionsSchema} (a subset of what it accepts). */
function isPlainEnqueueOptions(o: unknown): o is EnqueueOptions {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false
  for (const key in o) if (key !== 'delayMs' && key !== 'dedupeId') return false
  const { delayMs, dedupeId } = o as Record<string, unknown>
  return (
    (delayMs === undefined || (Number.isSafeInteger(delayMs) && (delayMs as number) >= 0)) &&
    (dedupeId === undefined || (typeof dedupeId === 'string' && dedupeId.length > 0))
  )
}

/**
 * The enqueue options, checked: none given costs nothing, plain valid ones skip zod, anything else
 * goes through {@link enqueueOptionsSchema} (MEGA_CONFIG_INVALID listing every problem, labelled
 * `<what> of job "<subject>"`).
 */
export function resolveEnqueueOptions(
  options: EnqueueOptions | undefined,
  what: string,
  subject: string,
): EnqueueOptions {
  if (options === undefined) return NO_ENQUEUE_OPTIONS
  if (isPlainEnqueueOptions(options)) return options
  return parseOptions(enqueueOptionsSchema, options, `${what} of job "${subject}"`)
}

/** Enqueues `items` one after the other; a failure is reported in its slot and does not stop the rest. */
export async function enqueueEach<P>(
  enqueue: (payload: P, options: EnqueueOptions | undefined) => Promise<EnqueueResult>,
  items: readonly EnqueueItem<P>[],
): Promise<EnqueueItemResult[]> {
  const results: EnqueueItemResult[] = []
  for (const item of items) {
    results.push(
      await enqueue(item.payload, item.options).then(
        (r): EnqueueItemResult => ({ ok: true, ...r }),
        (err: unknown): EnqueueItemResult => ({ ok: false, error: toMegaError(err) }),
      ),
    )
  }
  return results
}

/**
 * The dead-letter queue tools of a {@link JobQueue} (`queue.dlq`): list, show, redrive and purge
 * the jobs that failed for good.
 */
export interface JobDeadLetterQueue {
  /** A page of entries in DLQ order, after `after`; `next` is the `after` of the next page. */
  list(options?: DlqListOptions): Promise<DlqPage>
  /** The entry at DLQ sequence `seq`; MEGA_JOB_DLQ_ENTRY_NOT_FOUND when there is none. */
  show(seq: number): Promise<DlqEntry>
  /** Enqueues entries again (one `seq`, or `'all'`) and removes them from the DLQ. */
  redrive(target: number | 'all'): Promise<DlqRedriveResult>
  /** Removes every entry (of one job subject when given); returns how many. */
  purge(options?: { readonly subject?: string }): Promise<{ readonly purged: number }>
}

/** A listener of one {@link JobQueueEventMap} event. */
export type JobQueueListener<K extends JobQueueEventName> = (...args: JobQueueEventMap[K]) => void

/**
 * What apps use of a job queue, implemented by the durable {@link MegaJobQueue} (NATS JetStream)
 * and the in-process {@link MemoryJobQueue}: the same retries, run timeout, events and DLQ.
 *
 * @example
 * function welcome(queue: JobQueue, to: string) {
 *   return queue.enqueue(SendEmailJob, { to }, { dedupeId: `welcome-${to}` })
 * }
 */
export interface JobQueue {
  /** The dead-letter queue tools. */
  readonly dlq: JobDeadLetterQueue
  /** Enqueues one job; `dedupeId` drops a repeat within the duplicate window, `delayMs` defers it. */
  enqueue<J extends MegaJob>(
    JobClass: JobClass<J>,
    payload: JobPayload<J>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>
  /** Enqueues several jobs in order, one result per item. */
  enqueueMany<J extends MegaJob>(
    JobClass: JobClass<J>,
    items: readonly EnqueueItem<JobPayload<J>>[],
  ): Promise<EnqueueItemResult[]>
  /** Runs `JobClass`'s jobs (`concurrency` at once) until the returned processor's `stop()`. */
  process<J extends MegaJob>(
    JobClass: JobClass<J>,
    instance?: J,
    ctx?: JobContext<J>,
  ): Promise<JobProcessor>
  /** Stops every processor `process()` started, waiting for runs in flight; resolves those left. */
  close(): Promise<JobProcessorStopResult>
  /** Adds a listener of one of JOB_QUEUE_EVENTS (another name throws MEGA_JOB_QUEUE_EVENT_UNKNOWN). */
  on<K extends JobQueueEventName>(event: K, listener: JobQueueListener<K>): this
  /** Removes a listener added with `on`. */
  off<K extends JobQueueEventName>(event: K, listener: JobQueueListener<K>): this
}
