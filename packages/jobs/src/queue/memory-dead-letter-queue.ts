import { parseOptions } from '@mega/observe/internal'
import { jobsError } from '../errors.js'
import {
  dlqListOptionsSchema,
  type DlqEntry,
  type DlqListOptions,
  type DlqPage,
  type DlqRedriveResult,
} from './dead-letter-queue.js'
import type { DlqEnvelope } from './dead-letter-route.js'
import type { JobFailPhase } from './job-queue-events.js'
import type { JobDeadLetterQueue } from './job-queue-types.js'
import { toError } from './job-payload.js'

/** Enqueues a dead-lettered job again; returns its new work sequence. */
export type MemoryRedrive = (subject: string, payload: unknown) => number

/**
 * The dead-letter queue of a {@link MemoryJobQueue}: the same calls and entries as
 * {@link DeadLetterQueue}, held in this process.
 */
export class MemoryDeadLetterQueue implements JobDeadLetterQueue {
  readonly #entries = new Map<number, DlqEntry>()
  readonly #redrive: MemoryRedrive
  #seq = 0

  constructor(redrive: MemoryRedrive) {
    this.#redrive = redrive
  }

  /** Stores a failed job; returns its DLQ sequence. */
  add(subject: string, phase: JobFailPhase, envelope: DlqEnvelope): number {
    const seq = ++this.#seq
    // Stored as it would come back from the wire: JSON only.
    const stored = JSON.parse(JSON.stringify(envelope)) as DlqEnvelope
    this.#entries.set(seq, { seq, subject, phase, envelope: stored })
    return seq
  }

  list(options: DlqListOptions = {}): Promise<DlqPage> {
    try {
      const { subject, limit, after } = parseOptions(
        dlqListOptionsSchema,
        options,
        'dlq.list options',
      )
      const entries: DlqEntry[] = []
      let more = false
      for (const entry of this.#entries.values()) {
        if (entry.seq <= after) continue
        if (entries.length === limit) {
          more = true
          break
        }
        if (subject === undefined || entry.subject === subject) entries.push(entry)
      }
      return Promise.resolve({ entries, next: more ? entries[entries.length - 1]?.seq : undefined })
    } catch (err) {
      return Promise.reject(toError(err))
    }
  }

  show(seq: number): Promise<DlqEntry> {
    const entry = this.#entries.get(seq)
    if (entry === undefined)
      return Promise.reject(
        jobsError(
          'MEGA_JOB_DLQ_ENTRY_NOT_FOUND',
          `No DLQ entry at sequence ${seq} in this MemoryJobQueue: list the DLQ (queue.dlq.list()) for the sequences it holds.`,
        ),
      )
    return Promise.resolve(entry)
  }

  async redrive(target: number | 'all'): Promise<DlqRedriveResult> {
    const seqs = target === 'all' ? [...this.#entries.keys()] : [(await this.show(target)).seq]
    const redriven: DlqRedriveResult['redriven'][number][] = []
    const failed: DlqRedriveResult['failed'][number][] = []
    for (const dlqSeq of seqs) {
      const entry = this.#entries.get(dlqSeq)
      if (entry === undefined) continue
      try {
        const seq = this.#redrive(entry.subject, entry.envelope.payload)
        this.#entries.delete(dlqSeq)
        redriven.push({ dlqSeq, subject: entry.subject, seq })
      } catch (err) {
        failed.push({ dlqSeq, error: toError(err) })
      }
    }
    return { redriven, failed }
  }

  purge(options: { readonly subject?: string } = {}): Promise<{ readonly purged: number }> {
    let purged = 0
    for (const entry of [...this.#entries.values()]) {
      if (options.subject !== undefined && entry.subject !== options.subject) continue
      this.#entries.delete(entry.seq)
      purged++
    }
    return Promise.resolve({ purged })
  }
}
