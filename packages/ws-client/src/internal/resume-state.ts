// Where the client stands in each namespace's history: the epoch and the highest offset up to which
// every broadcast was delivered, plus the offsets seen above it (a replay may overlap live broadcasts
// and arrive after them), so nothing is delivered twice and a resume asks for every hole.

/** A namespace's history position: `{ epoch, offset }`. */
export interface WsClientPosition {
  readonly epoch: string
  readonly offset: number
}

interface NsState {
  epoch: string
  /** Every offset up to this one was delivered (or predates the client). */
  base: number
  /** Offsets above `base` already delivered. */
  seen: Set<number>
}

/** Holes older than this many later broadcasts are given up (e.g. a broadcast `except` this client). */
const MAX_SEEN = 512

/** A broadcast held back while a resume is on its way. */
export interface HeldMessage {
  readonly epoch: string
  readonly offset: number
}

export class ResumeState {
  readonly #byNs = new Map<string, NsState>()
  readonly #held = new Map<string, HeldMessage[]>()

  /** From now until {@link release}, broadcasts of `ns` are held (a resume is on its way). */
  holdFrom(ns: string): void {
    this.#held.set(ns, [])
  }

  /** Holds `message` if a resume of `ns` is on its way; `false` when nothing is held. */
  hold<M extends HeldMessage>(ns: string, message: M): boolean {
    const held = this.#held.get(ns)
    if (held === undefined) return false
    held.push(message)
    return true
  }

  /**
   * Ends the hold: what was held, in offset order (the replay and the live broadcasts that overtook
   * it, merged), for the caller to pass through {@link accept}.
   */
  release<M extends HeldMessage>(ns: string): M[] {
    const held = (this.#held.get(ns) ?? []) as M[]
    this.#held.delete(ns)
    return held.sort((a, b) => a.offset - b.offset)
  }

  /** The position a resume asks from, per namespace. */
  positions(): [string, WsClientPosition][] {
    return [...this.#byNs].map(([ns, s]) => [ns, { epoch: s.epoch, offset: s.base }])
  }

  has(ns: string): boolean {
    return this.#byNs.has(ns)
  }

  /** Starts over at `{ epoch, offset }` (first `mega.position`, or `mega.gap`). */
  reset(ns: string, position: WsClientPosition): void {
    this.#byNs.set(ns, { epoch: position.epoch, base: position.offset, seen: new Set() })
  }

  /** Whether a broadcast at this position is new; records it when it is. */
  accept(ns: string, epoch: string, offset: number): boolean {
    let s = this.#byNs.get(ns)
    if (s === undefined || s.epoch !== epoch) {
      s = { epoch, base: offset - 1, seen: new Set() }
      this.#byNs.set(ns, s)
    }
    if (offset <= s.base || s.seen.has(offset)) return false
    s.seen.add(offset)
    while (s.seen.delete(s.base + 1)) s.base++
    if (s.seen.size > MAX_SEEN) {
      s.base = Math.min(...s.seen)
      s.seen.delete(s.base)
      while (s.seen.delete(s.base + 1)) s.base++
    }
    return true
  }
}
