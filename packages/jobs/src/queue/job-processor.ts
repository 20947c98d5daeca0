import type { ConsumerMessages, JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { handleJobMessage, type JobRunSpec } from './job-message-handler.js'
import type { JobQueueDeps } from './job-queue-deps.js'
import { toError } from './job-payload.js'
import { ensureConsumer, type JobStreamNames } from './job-streams.js'

/** What `stop()` of a {@link JobProcessor} reports. */
export interface JobProcessorStopResult {
  /** Runs still in flight when `stopTimeoutMs` passed (0 when every run finished). */
  readonly pending: number
}

/** A running consumer of one job class (the result of {@link MegaJobQueue.process}). */
export interface JobProcessor {
  /** The job subject consumed. */
  readonly subject: string
  /** Stops pulling messages and waits for runs in flight, up to the queue's `stopTimeoutMs`. */
  stop(): Promise<JobProcessorStopResult>
}

/** A job class resolved for processing. */
export interface JobProcessorSpec extends JobRunSpec {
  readonly concurrency: number
}

interface ProcessorInput {
  readonly deps: JobQueueDeps
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly names: JobStreamNames
  readonly spec: JobProcessorSpec
}

function waitMs(ms: number, wake: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    void wake.then(() => (clearTimeout(timer), resolve()))
  })
}

/** Ensures the durable consumer, starts the consume loop and returns its handle. */
export async function startJobProcessor(input: ProcessorInput): Promise<JobProcessor> {
  const { deps, js, jsm, names, spec } = input
  const stream = names.work
  const durable = spec.subject
  const ensure = () =>
    ensureConsumer(jsm, stream, {
      durable,
      filterSubject: names.wireSubject(spec.subject),
      ackWaitMs: deps.config.ackWaitMs,
      maxDeliver: deps.config.maxDeliver,
      maxAckPending: spec.concurrency,
    })
  await ensure()
  const inFlight = new Set<Promise<unknown>>()
  let stopped = false
  let messages: ConsumerMessages | undefined
  let wake!: () => void
  const woken = new Promise<void>((resolve) => (wake = resolve))

  const consumeOnce = async (): Promise<void> => {
    const consumer = await js.consumers.get(stream, durable)
    messages = await consumer.consume({
      max_messages: spec.concurrency,
      abort_on_missing_resource: true,
    })
    // close() settles only once the iteration below sees the end, so never await it before that.
    if (stopped) void messages.close()
    for await (const msg of messages) {
      // One settle handler for both outcomes: no extra catch and finally promises per message.
      const handled: Promise<void> = handleJobMessage(deps, spec, msg).then(
        () => void inFlight.delete(handled),
        (err: unknown) => {
          inFlight.delete(handled)
          // Only an ack/nak on a closed connection gets here; the server redelivers the message.
          const error = toError(err)
          deps.emit('fail', { subject: spec.subject, seq: msg.seq, error, phase: 'consume-loop' })
        },
      )
      inFlight.add(handled)
    }
  }

  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        await consumeOnce()
        if (stopped) return
        throw new Error('the consumer stopped delivering')
      } catch (err) {
        if (stopped) return
        deps.emit('fail', {
          subject: spec.subject,
          seq: undefined,
          error: toError(err),
          phase: 'consume-loop',
        })
      }
      await waitMs(deps.config.consumeRetryMs, woken)
      await ensure().catch(() => undefined)
    }
  }
  const looping = loop()

  return {
    subject: spec.subject,
    async stop(): Promise<JobProcessorStopResult> {
      stopped = true
      wake()
      const closing = messages?.close()
      let timer: NodeJS.Timeout | undefined
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deps.config.stopTimeoutMs)
      })
      await Promise.race([Promise.allSettled([closing, looping, ...inFlight]), bound])
      clearTimeout(timer)
      return { pending: inFlight.size }
    },
  }
}
