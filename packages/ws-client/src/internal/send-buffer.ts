/** One message kept while the socket is not open: its envelope already serialised. */
export interface BufferedFrame {
  readonly id: string
  readonly type: string
  readonly text: string
  /** A `request()`: it waits in `PendingRequests` as held until sent. */
  readonly request: boolean
}

/**
 * The bounded FIFO of messages sent while the socket is (re)connecting, flushed in order once it
 * opens. A request that times out is taken out by its id.
 */
export class SendBuffer {
  readonly #frames = new Map<string, BufferedFrame>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  get size(): number {
    return this.#frames.size
  }

  get max(): number {
    return this.#max
  }

  /** Keeps `frame`; `false` when the buffer is full (nothing is dropped to make room). */
  push(frame: BufferedFrame): boolean {
    if (this.#frames.size >= this.#max) return false
    this.#frames.set(frame.id, frame)
    return true
  }

  remove(id: string): void {
    this.#frames.delete(id)
  }

  /** Every frame, oldest first; the buffer is empty afterwards. */
  drain(): BufferedFrame[] {
    const frames = [...this.#frames.values()]
    this.#frames.clear()
    return frames
  }
}
