const BUCKETS = 10

interface Bucket {
  readonly start: number
  calls: number
  failures: number
}

/** Calls and failures over the last `windowMs`, kept in ten buckets so memory stays constant. */
export class RollingWindow {
  readonly #windowMs: number
  readonly #bucketMs: number
  #buckets: Bucket[] = []

  constructor(windowMs: number) {
    this.#windowMs = windowMs
    this.#bucketMs = Math.max(1, Math.ceil(windowMs / BUCKETS))
  }

  /** Counts one call at `now`. */
  record(now: number, failed: boolean): void {
    this.#prune(now)
    const start = now - (now % this.#bucketMs)
    let bucket = this.#buckets.at(-1)
    if (bucket?.start !== start) this.#buckets.push((bucket = { start, calls: 0, failures: 0 }))
    bucket.calls++
    if (failed) bucket.failures++
  }

  /** Calls and failures whose bucket is still inside the window at `now`. */
  totals(now: number): { calls: number; failures: number } {
    this.#prune(now)
    let calls = 0
    let failures = 0
    for (const b of this.#buckets) {
      calls += b.calls
      failures += b.failures
    }
    return { calls, failures }
  }

  reset(): void {
    this.#buckets = []
  }

  #prune(now: number): void {
    const oldest = now - this.#windowMs
    while (this.#buckets.length > 0 && this.#buckets[0]!.start + this.#bucketMs <= oldest)
      this.#buckets.shift()
  }
}
