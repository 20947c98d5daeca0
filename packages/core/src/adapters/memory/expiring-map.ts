/** A clock in milliseconds; tests pass their own. */
export type Clock = () => number

interface Entry {
  readonly value: string
  readonly expiresAt: number
}

/**
 * A map of JSON-serialised values with optional expiry: expired entries vanish on access and in an
 * active sweep (an `unref`'d timer, so it never keeps the process alive).
 */
export class ExpiringMap {
  readonly #entries = new Map<string, Entry>()
  readonly #clock: Clock
  #sweep: NodeJS.Timeout | undefined

  constructor(clock: Clock) {
    this.#clock = clock
  }

  startSweep(intervalMs: number): void {
    this.#sweep ??= setInterval(() => this.sweep(), intervalMs)
    this.#sweep.unref()
  }

  stopSweep(): void {
    clearInterval(this.#sweep)
    this.#sweep = undefined
  }

  /** Removes every expired entry; returns how many. */
  sweep(): number {
    const now = this.#clock()
    let removed = 0
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key)
        removed += 1
      }
    }
    return removed
  }

  get(key: string): unknown {
    const entry = this.#live(key)
    return entry === undefined ? undefined : (JSON.parse(entry.value) as unknown)
  }

  set(key: string, value: unknown, ttlMs: number | undefined): void {
    const text = JSON.stringify(value)
    if (text === undefined)
      throw new TypeError(`Cannot store ${typeof value} under "${key}": store JSON values.`)
    this.#entries.set(key, {
      value: text,
      expiresAt: ttlMs === undefined ? Infinity : this.#clock() + ttlMs,
    })
  }

  has(key: string): boolean {
    return this.#live(key) !== undefined
  }

  delete(key: string): boolean {
    return this.#live(key) !== undefined && this.#entries.delete(key)
  }

  /** Moves the expiry of a live entry; `false` when it is gone. */
  touch(key: string, ttlMs: number): boolean {
    const entry = this.#live(key)
    if (entry === undefined) return false
    this.#entries.set(key, { value: entry.value, expiresAt: this.#clock() + ttlMs })
    return true
  }

  /** Adds 1 to a counter (see CacheAdapter.incr); a missing or non-numeric entry starts at 1. */
  incr(key: string, ttlMs: number): { count: number; ttlMs: number } {
    const entry = this.#live(key)
    const now = this.#clock()
    const previous = entry === undefined ? 0 : Number(JSON.parse(entry.value))
    const count = (Number.isFinite(previous) ? previous : 0) + 1
    const expiresAt = entry === undefined || count === 1 ? now + ttlMs : entry.expiresAt
    this.#entries.set(key, { value: String(count), expiresAt })
    return { count, ttlMs: expiresAt - now }
  }

  get size(): number {
    return this.#entries.size
  }

  clear(): void {
    this.#entries.clear()
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.#clock()) return entry
    this.#entries.delete(key)
    return undefined
  }
}
