import type { JsMsg } from '@nats-io/jetstream'
import { headers as natsHeaders } from '@nats-io/transport-node'
import type { JobFailPhase } from './job-queue-events.js'
import type { JobQueueDeps } from './job-queue-deps.js'
import { withRetry } from './with-retry.js'

/** The DLQ message header naming the phase that failed (`run`, `decode`, `max-deliver`). */
export const FAIL_PHASE_HEADER = 'Mega-Fail-Phase'

/** Longest stack kept in a DLQ envelope, in characters. */
const DLQ_MAX_STACK_LEN = 4000
/** Longest nak delay after a failed DLQ publish, in ms. */
const NAK_DELAY_MAX_MS = 30_000
/** The DLQ publish is retried in-process: up to 3 attempts, 250–1000 ms apart. */
const DLQ_PUBLISH_RETRY = { retries: 2, minTimeout: 250, maxTimeout: 1000, factor: 2, jitter: true }

/** What a DLQ message holds. */
export interface DlqEnvelope {
  /** The work subject the job came from (`MEGA_JOBS.send-email`); redrive publishes back to it. */
  readonly originalSubject: string
  /** When it failed, ISO-8601. */
  readonly failedAt: string
  /** The delivery that failed (`msg.info.deliveryCount`). */
  readonly deliveryCount: number
  /** The failure; `stack` cut after 4000 characters. */
  readonly error: { readonly name: string; readonly message: string; readonly stack?: string }
  /** The job payload; the raw text when it could not be decoded. */
  readonly payload: unknown
}

/** Cuts a stack over 4000 characters, saying how much was cut; anything else is returned as is. */
export function truncateStack(stack: unknown): unknown {
  if (typeof stack !== 'string' || stack.length <= DLQ_MAX_STACK_LEN) return stack
  const cut = stack.length - DLQ_MAX_STACK_LEN
  return `${stack.slice(0, DLQ_MAX_STACK_LEN)}\n…[${cut} more characters]`
}

/** `min(30000, 1000 · 2^(deliveryCount − 1))`: the nak delay after a failed DLQ publish. */
export function dlqNakDelayMs(deliveryCount: number): number {
  return Math.min(NAK_DELAY_MAX_MS, 1000 * 2 ** Math.max(0, deliveryCount - 1))
}

/** What a DLQ envelope is made of (see {@link dlqEnvelope}). */
export interface DlqEnvelopeInput {
  readonly originalSubject: string
  readonly deliveryCount: number
  readonly error: Error
  readonly payload: unknown
  /** When it failed, in epoch ms. */
  readonly now: number
}

/** The DLQ envelope both queues write: the error with its stack cut by {@link truncateStack}. */
export function dlqEnvelope(input: DlqEnvelopeInput): DlqEnvelope {
  const { error } = input
  const stack = truncateStack(error.stack)
  return {
    originalSubject: input.originalSubject,
    failedAt: new Date(input.now).toISOString(),
    deliveryCount: input.deliveryCount,
    error: {
      name: error.name,
      message: error.message,
      ...(typeof stack === 'string' ? { stack } : {}),
    },
    payload: input.payload,
  }
}

/** What sent the job to the DLQ. */
export interface DlqFailure {
  readonly subject: string
  readonly msg: JsMsg
  readonly payload: unknown
  readonly error: Error
  readonly phase: JobFailPhase
}

/** How a DLQ routing ended. */
export type DlqRouteOutcome = 'dlq' | 'nak' | 'orphan'

/**
 * Publishes the failed job to `<subject>.dlq` (retried in-process), then acks the work message and
 * emits `fail` and `dlq`. When the publish still fails: on the last delivery the message is left
 * unacked (`fail` phase `dlq-orphan`); otherwise it is nak'd with a growing delay first, then `fail`
 * phase `dlq-publish`. Never throws.
 */
export async function routeToDlq(deps: JobQueueDeps, f: DlqFailure): Promise<DlqRouteOutcome> {
  const { msg, subject } = f
  const seq = msg.seq
  const dlqSubject = `${msg.subject}.dlq`
  const h = natsHeaders()
  const traceparent = msg.headers?.get('traceparent')
  if (traceparent) h.set('traceparent', traceparent)
  h.set(FAIL_PHASE_HEADER, f.phase)
  let ack
  try {
    const data = new TextEncoder().encode(
      JSON.stringify(
        dlqEnvelope({
          originalSubject: msg.subject,
          deliveryCount: msg.info.deliveryCount,
          error: f.error,
          payload: f.payload,
          now: deps.now(),
        }),
      ),
    )
    ack = await withRetry(() => deps.publish(dlqSubject, data, { headers: h }), DLQ_PUBLISH_RETRY)
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err))
    if (msg.info.deliveryCount >= deps.config.maxDeliver) {
      deps.emit('fail', { subject, seq, error, phase: 'dlq-orphan', jobError: f.error })
      return 'orphan'
    }
    const nakDelayMs = dlqNakDelayMs(msg.info.deliveryCount)
    msg.nak(nakDelayMs)
    deps.emit('fail', { subject, seq, error, phase: 'dlq-publish', jobError: f.error, nakDelayMs })
    return 'nak'
  }
  msg.ack()
  deps.emit('fail', { subject, seq, error: f.error, phase: f.phase })
  deps.emit('dlq', { subject, seq, dlqSubject, dlqSeq: ack.seq, error: f.error })
  return 'dlq'
}
