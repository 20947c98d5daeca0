import { JetStreamApiError, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream'
import { headers as natsHeaders } from '@nats-io/transport-node'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { jobsError } from '../errors.js'
import { FAIL_PHASE_HEADER, type DlqEnvelope } from './dead-letter-route.js'
import type { JobFailPhase } from './job-queue-events.js'
import type {
  DlqEntry,
  DlqListOptions,
  DlqPage,
  DlqRedriveResult,
  JobDeadLetterQueue,
} from './job-queue-types.js'
import type { JobPublish } from './job-queue-options.js'
import type { JobStreamNames } from './job-streams.js'
import { encodePayload, toError } from './job-payload.js'

/** The zod schema of {@link DlqListOptions} (shared with the memory queue's DLQ). */
export const dlqListOptionsSchema = z.strictObject({
  subject: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).default(50),
  after: z.number().int().min(0).default(0),
})

export type { DlqEntry, DlqListOptions, DlqPage, DlqRedriveResult }

const decoder = new TextDecoder()
const isMissing = (err: unknown): boolean =>
  err instanceof JetStreamApiError && (err.code === 10037 || err.status === 404)

/**
 * The dead-letter queue of a {@link MegaJobQueue} (`queue.dlq`): list, show, redrive and purge the
 * jobs that failed for good. Each call returns what it did.
 */
export class DeadLetterQueue implements JobDeadLetterQueue {
  readonly #jsm: () => Promise<JetStreamManager>
  readonly #names: JobStreamNames
  readonly #publish: JobPublish

  /** @internal Made by MegaJobQueue. */
  constructor(jsm: () => Promise<JetStreamManager>, names: JobStreamNames, publish: JobPublish) {
    this.#jsm = jsm
    this.#names = names
    this.#publish = publish
  }

  #entry(m: StoredMsg): DlqEntry {
    const phase = m.header?.get(FAIL_PHASE_HEADER) as JobFailPhase | undefined
    return {
      seq: m.seq,
      subject: this.#names.jobSubject(m.subject),
      phase: phase || undefined,
      envelope: JSON.parse(decoder.decode(m.data)) as DlqEnvelope,
    }
  }

  async #get(jsm: JetStreamManager, seq: number): Promise<StoredMsg | undefined> {
    const m = await jsm.streams.getMessage(this.#names.dlq, { seq }).catch((err: unknown) => {
      if (isMissing(err)) return undefined
      throw err
    })
    return m ?? undefined
  }

  /**
   * A page of entries in DLQ order, scanning from `after` (one server request per sequence).
   *
   * @example
   * let page = await queue.dlq.list({ limit: 20 })
   * while (page.next !== undefined) page = await queue.dlq.list({ limit: 20, after: page.next })
   */
  async list(options: DlqListOptions = {}): Promise<DlqPage> {
    const { subject, limit, after } = parseOptions(
      dlqListOptionsSchema,
      options,
      'dlq.list options',
    )
    const jsm = await this.#jsm()
    const { state } = await jsm.streams.info(this.#names.dlq)
    const entries: DlqEntry[] = []
    let seq = Math.max(after + 1, state.first_seq)
    for (; seq <= state.last_seq && entries.length < limit; seq++) {
      const m = await this.#get(jsm, seq)
      if (m === undefined) continue
      const entry = this.#entry(m)
      if (subject === undefined || entry.subject === subject) entries.push(entry)
    }
    const more = entries.length === limit && seq <= state.last_seq
    return { entries, next: more ? entries[entries.length - 1]?.seq : undefined }
  }

  /**
   * The entry at DLQ sequence `seq`; MEGA_JOB_DLQ_ENTRY_NOT_FOUND when there is none.
   *
   * @example
   * const { envelope } = await queue.dlq.show(12)
   */
  async show(seq: number): Promise<DlqEntry> {
    const m = await this.#get(await this.#jsm(), seq)
    if (m === undefined)
      throw jobsError(
        'MEGA_JOB_DLQ_ENTRY_NOT_FOUND',
        `No DLQ entry at sequence ${seq} in stream ${this.#names.dlq}: list the DLQ (queue.dlq.list()) for the sequences it holds.`,
      )
    return this.#entry(m)
  }

  async #redriveOne(
    jsm: JetStreamManager,
    m: StoredMsg,
  ): Promise<DlqRedriveResult['redriven'][number]> {
    const entry = this.#entry(m)
    const { originalSubject, payload } = entry.envelope
    const data =
      entry.phase === 'decode' && typeof payload === 'string'
        ? new TextEncoder().encode(payload)
        : encodePayload(payload, entry.subject)
    const h = natsHeaders()
    const traceparent = m.header?.get('traceparent')
    if (traceparent) h.set('traceparent', traceparent)
    const ack = await this.#publish(originalSubject, data, { headers: h })
    await jsm.streams.deleteMessage(this.#names.dlq, m.seq, false)
    return { dlqSeq: m.seq, subject: entry.subject, seq: ack.seq }
  }

  /**
   * Publishes entries back to their work subject, then removes them from the DLQ: one (`seq`, which
   * must exist) or `'all'`. A failed entry stays in the DLQ and is listed in `failed`.
   *
   * @example
   * const { redriven, failed } = await queue.dlq.redrive('all')
   */
  async redrive(target: number | 'all'): Promise<DlqRedriveResult> {
    const jsm = await this.#jsm()
    const seqs = target === 'all' ? await this.#allSeqs() : [(await this.show(target)).seq]
    const redriven: DlqRedriveResult['redriven'][number][] = []
    const failed: DlqRedriveResult['failed'][number][] = []
    for (const seq of seqs) {
      const m = await this.#get(jsm, seq)
      if (m === undefined) continue
      await this.#redriveOne(jsm, m).then(
        (r) => redriven.push(r),
        (err: unknown) => failed.push({ dlqSeq: seq, error: toError(err) }),
      )
    }
    return { redriven, failed }
  }

  async #allSeqs(): Promise<number[]> {
    const seqs: number[] = []
    let page = await this.list({ limit: 500 })
    for (;;) {
      seqs.push(...page.entries.map((e) => e.seq))
      if (page.next === undefined) return seqs
      page = await this.list({ limit: 500, after: page.next })
    }
  }

  /**
   * Removes every entry (of one job subject when given) from the DLQ; returns how many.
   *
   * @example
   * const { purged } = await queue.dlq.purge()
   */
  async purge(options: { readonly subject?: string } = {}): Promise<{ readonly purged: number }> {
    const jsm = await this.#jsm()
    const { purged } = await jsm.streams.purge(
      this.#names.dlq,
      options.subject === undefined
        ? undefined
        : { filter: this.#names.dlqSubject(options.subject) },
    )
    return { purged }
  }
}
