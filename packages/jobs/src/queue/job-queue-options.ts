import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { MegaTracer } from '@mega/observe'
import { z } from 'zod'

/** How long the server waits for an ack before it redelivers, in ms. */
export const DEFAULT_ACK_WAIT_MS = 30_000
/** Deliveries of one message before the server gives up on it. */
export const DEFAULT_MAX_DELIVER = 5
/** The default prefix of stream names and subjects. */
export const DEFAULT_STREAM_PREFIX = 'MEGA_JOBS'
/** How long a DLQ entry is kept: 7 days, in ms. */
export const DEFAULT_DLQ_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000
/** The cap on one whole run (retries included): 30 minutes, in ms. */
export const DEFAULT_RUN_TIMEOUT_MS = 30 * 60 * 1000
/** The window in which a second enqueue with the same `dedupeId` is dropped: 2 minutes, in ms. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000

/** What a publish returns: the stream sequence and whether the server dropped it as a duplicate. */
export interface JobPublishAck {
  readonly seq: number
  readonly duplicate: boolean
}

/** Publishes one message to JetStream (the seam behind enqueue, redrive and DLQ routing). */
export type JobPublish = (
  subject: string,
  data: Uint8Array,
  options: { readonly msgID?: string; readonly headers?: MsgHdrs },
) => Promise<JobPublishAck>

/** Configuration of a {@link MegaJobQueue}; validated at construction (MEGA_CONFIG_INVALID). */
export interface MegaJobQueueConfig {
  /** A connected NatsConnection, e.g. `natsBusAdapter.connection`. */
  readonly nc: NatsConnection
  /** How long a delivery may stay unacked before the server redelivers it, in ms. @default 30000 */
  readonly ackWaitMs?: number
  /** Deliveries of one message, an integer ≥ 1; the last one is guarded (see README). @default 5 */
  readonly maxDeliver?: number
  /** How often a running job renews its ack lease (`working()`), in ms; below ackWaitMs. @default ceil(ackWaitMs / 3) */
  readonly heartbeatMs?: number
  /** Prefix of stream names and subjects: letters, digits, `-`, `_`. @default 'MEGA_JOBS' */
  readonly streamPrefix?: string
  /** Age limit of DLQ entries in ms, 0 = none; applies only when the DLQ stream is created. @default 604800000 (7 days) */
  readonly dlqMaxAgeMs?: number
  /** Size limit of the DLQ stream in bytes; applies only when it is created. @default no limit */
  readonly dlqMaxBytes?: number
  /** Cap on one whole run in ms, retries included, 0 = unlimited; a job's static timeoutMs wins. @default 1800000 (30 min) */
  readonly runTimeoutMs?: number
  /** The work stream's `duplicate_window`: how long a `dedupeId` is remembered, in ms; applies only when the stream is created. @default 120000 */
  readonly duplicateWindowMs?: number
  /** How long `stop()` waits for runs in flight, in ms. @default 30000 */
  readonly stopTimeoutMs?: number
  /** Wait before the consume loop retries after an error, in ms. @default 1000 */
  readonly consumeRetryMs?: number
  /** Publishes to JetStream (a seam for tests). @default the JetStream client's publish */
  readonly publish?: JobPublish
  /** The clock, in epoch ms (a seam for tests). @default Date.now */
  readonly now?: () => number
  /** Makes the job run spans. @default the process-wide tracer of @mega/observe */
  readonly tracer?: MegaTracer
  /** Told when an event listener throws (the throw changes nothing else). @default a process warning */
  readonly onListenerError?: (error: unknown, event: string) => void
}

const fn = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', `must be ${what}`).optional()

const ms = (min: number) => z.number().int().min(min)

/** The zod schema of {@link MegaJobQueueConfig}. */
export const jobQueueConfigSchema = z
  .strictObject({
    nc: z.custom<NatsConnection>(
      (v) =>
        typeof (v as Partial<NatsConnection> | null)?.request === 'function' &&
        typeof (v as Partial<NatsConnection>).subscribe === 'function' &&
        typeof (v as Partial<NatsConnection>).isClosed === 'function',
      'must be a connected NatsConnection (e.g. natsBusAdapter.connection)',
    ),
    ackWaitMs: ms(1).default(DEFAULT_ACK_WAIT_MS),
    maxDeliver: z.number().int().min(1).default(DEFAULT_MAX_DELIVER),
    heartbeatMs: ms(1).optional(),
    streamPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - and _')
      .default(DEFAULT_STREAM_PREFIX),
    dlqMaxAgeMs: ms(0).default(DEFAULT_DLQ_MAX_AGE_MS),
    dlqMaxBytes: z.number().int().min(1).optional(),
    runTimeoutMs: ms(0).default(DEFAULT_RUN_TIMEOUT_MS),
    duplicateWindowMs: ms(1).default(DEFAULT_DUPLICATE_WINDOW_MS),
    stopTimeoutMs: ms(0).default(30_000),
    consumeRetryMs: ms(1).default(1000),
    publish: fn<JobPublish>('a function'),
    now: fn<() => number>('a function returning epoch ms'),
    tracer: z
      .custom<MegaTracer>(
        (v) => typeof (v as Partial<MegaTracer> | null)?.span === 'function',
        'must be a MegaTracer',
      )
      .optional(),
    onListenerError: fn<(error: unknown, event: string) => void>('a function'),
  })
  .refine((o) => o.nc === undefined || !o.nc.isClosed(), {
    path: ['nc'],
    message: 'is closed: pass a connected NatsConnection',
  })
  .refine((o) => o.heartbeatMs === undefined || o.heartbeatMs < o.ackWaitMs, {
    path: ['heartbeatMs'],
    message: 'must be below ackWaitMs, or the lease expires between two heartbeats',
  })
  .transform((o) => ({ ...o, heartbeatMs: o.heartbeatMs ?? Math.ceil(o.ackWaitMs / 3) }))

/** A {@link MegaJobQueueConfig} validated, with defaults. */
export type ResolvedJobQueueConfig = z.output<typeof jobQueueConfigSchema>
