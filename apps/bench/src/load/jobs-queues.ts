// The three job queues of the jobs scenario, each written the way its users write it.
import {
  AckPolicy,
  RetentionPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
} from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { Queue, Worker } from 'bullmq'
import { MegaJob, MegaJobQueue } from '@mega/jobs'
import type { JobsPayload } from './jobs-types.js'

/** One round's queue: a consumer runs `onJob` for each job; `close` stops it and deletes the queue. */
export interface QueueUnderTest {
  enqueue(payload: JobsPayload): Promise<void>
  close(): Promise<void>
}

/** Makes the queue `name` with a consumer of `concurrency` calling `onJob`. */
export type QueueFactory = (
  name: string,
  concurrency: number,
  onJob: (payload: JobsPayload) => void,
) => Promise<QueueUnderTest>

async function deleteStreams(nc: NatsConnection, names: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc)
  for (const name of names) await jsm.streams.delete(name).catch(() => false)
}

/** MegaJobQueue: a job class, `queue.process`, `queue.enqueue` (defaults but the concurrency). */
export function megaQueue(nc: NatsConnection): QueueFactory {
  return async (name, concurrency, onJob) => {
    class BenchJob extends MegaJob<JobsPayload> {
      static override subject = 'bench'
      static override concurrency = concurrency
      run(payload: JobsPayload): void {
        onJob(payload)
      }
    }
    const queue = new MegaJobQueue({ nc, streamPrefix: name })
    const worker = await queue.process(BenchJob)
    return {
      enqueue: async (payload) => void (await queue.enqueue(BenchJob, payload)),
      close: async () => {
        await worker.stop()
        await deleteStreams(nc, [name, `${name}_DLQ`])
      },
    }
  }
}

/** Raw JetStream: a work-queue stream, a durable pull consumer, `consume()` and `ack()`. */
export function jetstreamQueue(nc: NatsConnection): QueueFactory {
  return async (name, concurrency, onJob) => {
    const js = jetstream(nc)
    const jsm = await jetstreamManager(nc)
    const subject = `${name}.bench`
    await jsm.streams.add({ name, subjects: [subject], retention: RetentionPolicy.Workqueue })
    await jsm.consumers.add(name, {
      durable_name: 'bench',
      ack_policy: AckPolicy.Explicit,
      filter_subject: subject,
      max_ack_pending: concurrency,
    })
    const consumer = await js.consumers.get(name, 'bench')
    const messages: ConsumerMessages = await consumer.consume({ max_messages: concurrency })
    const loop = (async () => {
      for await (const m of messages) {
        onJob(m.json<JobsPayload>())
        m.ack()
      }
    })()
    return {
      enqueue: async (payload) => void (await js.publish(subject, JSON.stringify(payload))),
      close: async () => {
        await messages.close()
        await loop
        await deleteStreams(nc, [name])
      },
    }
  }
}

/** BullMQ: a `Queue` and a `Worker` (each with its own Redis connection), completed jobs removed. */
export function bullmqQueue(redisUrl: string): QueueFactory {
  const url = new URL(redisUrl)
  const connection = { host: url.hostname, port: Number(url.port || 6379) }
  return async (name, concurrency, onJob) => {
    const queue = new Queue<JobsPayload>(name, { connection })
    const worker = new Worker<JobsPayload>(name, async (job) => onJob(job.data), {
      connection,
      concurrency,
    })
    await worker.waitUntilReady()
    return {
      enqueue: async (payload) =>
        void (await queue.add('bench', payload, { removeOnComplete: true, removeOnFail: true })),
      close: async () => {
        await worker.close()
        await queue.obliterate({ force: true })
        await queue.close()
      },
    }
  }
}
