import { generateMessageId } from '../protocol/ulid.js'

/** How much of a namespace's broadcasts is kept for clients that reconnect. */
export interface HistoryOptions {
  /** The most messages kept. @default 100 */
  readonly size?: number
  /** The oldest message kept, in ms. @default 120000 */
  readonly ttlMs?: number
}

/** The default {@link HistoryOptions.size}. */
export const DEFAULT_HISTORY_SIZE = 100
/** The default {@link HistoryOptions.ttlMs}. */
export const DEFAULT_HISTORY_TTL_MS = 120_000

interface Entry {
  readonly offset: number
  readonly at: number
  readonly frame: string
}

/** What a reconnecting client gets: the frames it missed, in order, or a gap. */
export type Replay =
  | { readonly ok: true; readonly frames: readonly string[]; readonly offset: number }
  | { readonly ok: false; readonly epoch: string; readonly offset: number }

/**
 * A namespace's recent broadcasts with increasing offsets, bounded by count and age. The epoch names
 * this history's life: a client holding another epoch (the process restarted, or it reconnected to
 * another process) cannot be caught up and gets a gap instead.
 */
export class NsHistory {
  readonly epoch = generateMessageId()
  readonly #size: number
  /** How long a message is kept, in ms. */
  readonly ttlMs: number
  readonly #now: () => number
  #entries: Entry[] = []
  #offset = 0

  constructor(options: HistoryOptions = {}, now: () => number = Date.now) {
    this.#size = options.size ?? DEFAULT_HISTORY_SIZE
    this.ttlMs = options.ttlMs ?? DEFAULT_HISTORY_TTL_MS
    this.#now = now
  }

  /** The offset of the latest message (0 before the first). */
  get offset(): number {
    return this.#offset
  }

  /** Takes the next offset for a message about to be sent. */
  next(): number {
    this.#offset += 1
    return this.#offset
  }

  /** Keeps a sent frame under its offset. */
  keep(offset: number, frame: string): void {
    this.#entries.push({ offset, at: this.#now(), frame })
    if (this.#entries.length > this.#size)
      this.#entries.splice(0, this.#entries.length - this.#size)
  }

  #prune(): void {
    const oldest = this.#now() - this.ttlMs
    let drop = 0
    while (drop < this.#entries.length && this.#entries[drop]!.at < oldest) drop++
    if (drop > 0) this.#entries.splice(0, drop)
  }

  /** What a client that last saw `offset` of `epoch` missed, or a gap when that is no longer kept. */
  since(epoch: string, offset: number): Replay {
    this.#prune()
    const gap = { ok: false, epoch: this.epoch, offset: this.#offset } as const
    if (epoch !== this.epoch || !Number.isInteger(offset) || offset < 0 || offset > this.#offset)
      return gap
    if (offset === this.#offset) return { ok: true, frames: [], offset }
    const first = this.#entries[0]
    // Offsets are contiguous: the history covers the client when it still holds offset + 1.
    if (first === undefined || first.offset > offset + 1) return gap
    const frames = this.#entries.filter((e) => e.offset > offset).map((e) => e.frame)
    return { ok: true, frames, offset: this.#offset }
  }
}
