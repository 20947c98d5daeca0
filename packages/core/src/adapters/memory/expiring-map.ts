/** A clock in milliseconds; tests pass their own. */
export type Clock = () => number

interface Entry {
  readonly value: string
  readonly expiresAt: number
}

/** Options of {@link ExpiringMap}. */
export interface ExpiringMapOptions {
  /**
   * The most entries kept: adding a new key to a full map first drops the oldest entry, the least
   * recently stored (`set`) or renewed (`touch`); counters keep their place when incremented, so for
   * them it is the oldest window, the one closest to its end. @default no limit
   */
  readonly maxEntries?: number
}

/**
 * A map of JSON-serialised values with optional expiry: expired entries vanish on access and in an
 * active sweep (an `unref`'d timer, so it never keeps the process alive). With `maxEntries` it never
 * holds more than that many entries.
 */
export class ExpiringMap {
  readonly #entries = new Map<string, Entry>()
  readonly #clock: Clock
  readonly #maxEntries: number
  #sweep: NodeJS.Timeout | undefined

  constructor(clock: Clock, options: ExpiringMapOptions = {}) {
    this.#clock = clock
    this.#maxEntries = options.maxEntries ?? Infinity
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
    this.#makeRoomFor(key)
    this.#entries.delete(key) // a stored or renewed entry becomes the newest
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
    this.#entries.delete(key)
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
    if (entry === undefined) this.#makeRoomFor(key)
    this.#entries.set(key, { value: String(count), expiresAt })
    return { count, ttlMs: expiresAt - now }
  }

  /**
   * Takes 1 from a live counter, keeping its expiry; a counter that reaches 0 is removed. Resolves
   * the new count, or `undefined` when there is no live numeric counter under `key`.
   */
  decr(key: string): number | undefined {
    const entry = this.#live(key)
    if (entry === undefined) return undefined
    const previous = Number(JSON.parse(entry.value))
    if (!Number.isFinite(previous)) return undefined
    const count = Math.max(0, previous - 1)
    if (count === 0) this.#entries.delete(key)
    else this.#entries.set(key, { value: String(count), expiresAt: entry.expiresAt })
    return count
  }

  /** The keys held (expired entries not yet swept included), oldest first. */
  keys(): string[] {
    return [...this.#entries.keys()]
  }

  get size(): number {
    return this.#entries.size
  }

  clear(): void {
    this.#entries.clear()
  }

  // Before adding `key` to a full map: drop the oldest entries (Map keeps insertion order).
  #makeRoomFor(key: string): void {
    if (this.#entries.has(key)) return
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) return
      this.#entries.delete(oldest)
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.#clock()) return entry
    this.#entries.delete(key)
    return undefined
  }
}
