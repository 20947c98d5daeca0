import type { JsMsg } from '@nats-io/jetstream'
import { SpanKind } from '@opentelemetry/api'
import { withExtractedContext } from '@mega/observe'
import { jobsError } from '../errors.js'
import { routeToDlq, type DlqRouteOutcome } from './dead-letter-route.js'
import type { JobQueueDeps } from './job-queue-deps.js'
import { NOT_BEFORE_HEADER, decodePayload } from './job-payload.js'
import { runJobAttempts, type JobRunSpec } from './job-run.js'

export type { JobRunSpec }

/** How the handling of one message ended. */
export type JobHandleResult = 'done' | 'delayed' | DlqRouteOutcome

/** The message's headers as a record, or undefined when it carries none. */
function headerRecord(msg: JsMsg): Record<string, string> | undefined {
  const headers = msg.headers
  if (headers === undefined) return undefined
  let record: Record<string, string> | undefined
  for (const key of headers.keys()) (record ??= {})[key] = headers.get(key)
  return record
}

/** The delay still to wait when the message carries a not-before time in the future. */
function remainingDelay(msg: JsMsg, now: number): number {
  const notBefore = Number(msg.headers?.get(NOT_BEFORE_HEADER) || NaN)
  return Number.isFinite(notBefore) ? notBefore - now : 0
}

/** The delivery on which a job first runs: the second when the first was spent on a delay. */
const firstRunDelivery = (msg: JsMsg): number => (msg.headers?.get(NOT_BEFORE_HEADER) ? 2 : 1)

function startHeartbeat(msg: JsMsg, everyMs: number): () => void {
  const timer = setInterval(() => {
    try {
      msg.working()
    } catch {
      // The connection is gone: the lease cannot be renewed, the server will redeliver.
    }
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

function tracedAttempts(deps: JobQueueDeps, msg: JsMsg, subject: string) {
  return (attempts: () => unknown): unknown => {
    const span = () =>
      deps.tracer.span(`job ${subject}`, attempts, {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': msg.subject,
          'mega.job.seq': msg.seq,
        },
      })
    const headers = headerRecord(msg)
    // Without headers there is no remote context: the span starts under the active one, as before.
    return headers === undefined ? span() : withExtractedContext(headers, span)
  }
}

/**
 * Handles one delivery: delay, max-deliver guard, decode, run with retries, heartbeats and the run
 * timeout, then ack and `done`, or the DLQ. Never throws.
 */
export async function handleJobMessage(
  deps: JobQueueDeps,
  spec: JobRunSpec,
  msg: JsMsg,
): Promise<JobHandleResult> {
  const { subject } = spec
  const seq = msg.seq
  const wait = remainingDelay(msg, deps.now())
  if (wait > 0) {
    msg.nak(wait)
    return 'delayed'
  }
  const decoded = decodePayload(msg.data)
  const payload = decoded.ok ? decoded.value : decoded.raw
  const count = msg.info.deliveryCount
  if (count >= deps.config.maxDeliver && count > firstRunDelivery(msg)) {
    const error = jobsError(
      'MEGA_JOB_DELIVERIES_EXHAUSTED',
      `Job "${subject}" (seq ${seq}) reached its last delivery (${count} of maxDeliver ${deps.config.maxDeliver}) without being settled: earlier runs crashed the worker or outlived ackWaitMs. It goes to the DLQ without running again; inspect it there and redrive it once fixed.`,
    )
    return routeToDlq(deps, { subject, msg, payload, error, phase: 'max-deliver' })
  }
  if (!decoded.ok)
    return routeToDlq(deps, { subject, msg, payload, error: decoded.error, phase: 'decode' })
  deps.emit('start', { subject, seq, deliveryCount: count })
  const stopHeartbeat = startHeartbeat(msg, deps.config.heartbeatMs)
  const outcome = await runJobAttempts({
    spec,
    seq,
    payload,
    emit: (event, p) => deps.emit(event, p),
    wrap: tracedAttempts(deps, msg, subject),
  })
  if (!outcome.ok) {
    // The lease is kept while the DLQ publish is retried, then the heartbeat stops.
    const routed = await routeToDlq(deps, {
      subject,
      msg,
      payload,
      error: outcome.error,
      phase: 'run',
    })
    stopHeartbeat()
    return routed
  }
  stopHeartbeat()
  msg.ack()
  deps.emit('done', { subject, seq, result: outcome.result })
  return 'done'
}
