import type { HubLinkLogger } from './hub-link-config.js'

/**
 * Encoded frames kept while the hub is away, in order, at most `max` of them: past that the oldest
 * is dropped (one warning per outage, and a count when the frames go out).
 */
export class HubOutbox {
  readonly #max: number
  readonly #log: HubLinkLogger
  readonly #onDrop: (total: number) => void
  #frames: string[] = []
  #droppedNow = 0
  #dropped = 0

  constructor(max: number, log: HubLinkLogger, onDrop: (total: number) => void) {
    this.#max = max
    this.#log = log
    this.#onDrop = onDrop
  }

  /** Every frame dropped since the link was made. */
  get dropped(): number {
    return this.#dropped
  }

  get size(): number {
    return this.#frames.length
  }

  push(frame: string): void {
    this.#frames.push(frame)
    if (this.#frames.length <= this.#max) return
    this.#frames.shift()
    this.#dropped += 1
    this.#droppedNow += 1
    this.#onDrop(this.#dropped)
    if (this.#droppedNow === 1)
      this.#log.warn(
        { maxBufferedFrames: this.#max },
        'hub link: the hub is away and the buffer is full; dropping the oldest frames',
      )
  }

  /** The kept frames, oldest first; the buffer is empty afterwards. */
  drain(): string[] {
    const frames = this.#frames
    this.#frames = []
    if (this.#droppedNow > 0)
      this.#log.warn(
        { dropped: this.#droppedNow, sent: frames.length },
        'hub link: frames were dropped while the hub was away',
      )
    this.#droppedNow = 0
    return frames
  }

  clear(): void {
    this.#frames = []
    this.#droppedNow = 0
  }
}
