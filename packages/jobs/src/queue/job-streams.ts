import {
  AckPolicy,
  JetStreamApiError,
  RetentionPolicy,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'

/** The names one queue uses on the server, all derived from its stream prefix. */
export interface JobStreamNames {
  /** The work stream, e.g. `MEGA_JOBS`. */
  readonly work: string
  /** The DLQ stream, e.g. `MEGA_JOBS_DLQ`. */
  readonly dlq: string
  /** The wire subject of a job subject: `MEGA_JOBS.send-email`. */
  wireSubject(subject: string): string
  /** Its DLQ subject: `MEGA_JOBS.send-email.dlq`. */
  dlqSubject(subject: string): string
  /** The job subject of a wire or DLQ subject (`MEGA_JOBS.send-email.dlq` → `send-email`). */
  jobSubject(subject: string): string
}

/** The stream names and subjects under `prefix`. */
export function jobStreamNames(prefix: string): JobStreamNames {
  return {
    work: prefix,
    dlq: `${prefix}_DLQ`,
    wireSubject: (subject) => `${prefix}.${subject}`,
    dlqSubject: (subject) => `${prefix}.${subject}.dlq`,
    jobSubject: (subject) => subject.split('.')[1] ?? subject,
  }
}

const isNotFound = (err: unknown): boolean =>
  err instanceof JetStreamApiError &&
  (err.status === 404 || err.code === 10059 || err.code === 10014)

/**
 * Looks the stream up and creates it when missing. Two processes racing both succeed: when the
 * create loses the race, the stream the other made is used. An existing stream is left as it is.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.info(config.name)
    return
  } catch (err) {
    if (!isNotFound(err)) throw err
  }
  try {
    await jsm.streams.add(config)
  } catch (err) {
    await jsm.streams.info(config.name).catch(() => {
      throw err
    })
  }
}

/** The work and DLQ stream configurations of a queue. */
export function streamConfigs(
  names: JobStreamNames,
  o: { duplicateWindowMs: number; dlqMaxAgeMs: number; dlqMaxBytes?: number | undefined },
): [Partial<StreamConfig> & { name: string }, Partial<StreamConfig> & { name: string }] {
  return [
    {
      name: names.work,
      subjects: [`${names.work}.*`],
      retention: RetentionPolicy.Workqueue,
      duplicate_window: nanos(o.duplicateWindowMs),
    },
    {
      name: names.dlq,
      subjects: [`${names.work}.*.dlq`],
      max_age: nanos(o.dlqMaxAgeMs),
      ...(o.dlqMaxBytes === undefined ? {} : { max_bytes: o.dlqMaxBytes }),
    },
  ]
}

/** Settings of one durable pull consumer. */
export interface JobConsumerSettings {
  readonly durable: string
  readonly filterSubject: string
  readonly ackWaitMs: number
  readonly maxDeliver: number
  readonly maxAckPending: number
}

/**
 * Looks the durable consumer up and creates it when missing (a lost race uses the winner's). An
 * existing one whose ack wait, max deliver or max ack pending differ is updated to these.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  s: JobConsumerSettings,
): Promise<void> {
  const wanted = {
    ack_wait: nanos(s.ackWaitMs),
    max_deliver: s.maxDeliver,
    max_ack_pending: s.maxAckPending,
  }
  let info
  try {
    info = await jsm.consumers.info(stream, s.durable)
  } catch (err) {
    if (!isNotFound(err)) throw err
    const config = {
      ...wanted,
      durable_name: s.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: s.filterSubject,
    }
    await jsm.consumers.add(stream, config).catch(async (addErr: unknown) => {
      await jsm.consumers.info(stream, s.durable).catch(() => {
        throw addErr
      })
    })
    return
  }
  const c = info.config
  if (
    c.ack_wait !== wanted.ack_wait ||
    c.max_deliver !== wanted.max_deliver ||
    c.max_ack_pending !== wanted.max_ack_pending
  )
    await jsm.consumers.update(stream, s.durable, wanted)
}
