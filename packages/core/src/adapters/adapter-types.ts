/** The kinds of adapter an app can configure, as declared once. */
export const ADAPTER_KINDS = ['db', 'cache', 'bus', 'lock', 'session'] as const

/** One of {@link ADAPTER_KINDS}. */
export type AdapterKind = (typeof ADAPTER_KINDS)[number]

/** What an adapter's health check reports (the shape `@mega/observe` health checks expect). */
export interface AdapterHealth {
  readonly ok: boolean
  readonly [key: string]: unknown
}

/**
 * The contract every adapter keeps: connect, disconnect and a health check. Both lifecycle calls are
 * idempotent; `disconnect` after a failed `connect` is safe.
 */
export interface MegaAdapter {
  readonly kind: AdapterKind
  readonly driver: string
  readonly alias: string
  connect(): Promise<void>
  disconnect(): Promise<void>
  health(): Promise<AdapterHealth>
}

/** Options of {@link CacheAdapter.set}. */
export interface CacheSetOptions {
  /** Time to live in milliseconds; none means no expiry. */
  readonly ttlMs?: number
}

/** What {@link CacheAdapter.incr} resolves. */
export interface CounterState {
  /** The value after this increment (1 for a new counter). */
  readonly count: number
  /** Milliseconds until the counter expires (its window ends). */
  readonly ttlMs: number
}

/** A key-value cache: JSON values, optional TTL, keys namespaced per app by the driver. */
export interface CacheAdapter extends MegaAdapter {
  get<T = unknown>(key: string): Promise<T | undefined>
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>
  del(key: string): Promise<boolean>
  has(key: string): Promise<boolean>
  /**
   * Atomically adds 1 to a counter; a new (or expired) counter starts at 1 and expires `ttlMs`
   * later, and later increments keep that expiry (a fixed window). Shared by every process when the
   * store is (Redis). Optional: stores that cannot do it atomically leave it out, and features that
   * need it (rate limits) say so.
   */
  incr?(key: string, ttlMs: number): Promise<CounterState>
  /**
   * Appends `value` to the capped log under `key` and resolves the entry's offset and the log's
   * epoch, atomically across every process sharing the store. A log that does not exist (new,
   * expired or lost) is started under `options.create` (offsets from 1, the given epoch); without
   * `create` nothing is written and the call resolves `undefined`. Optional: stores that cannot do
   * it leave it out (shared WebSocket history needs it; the `redis` driver has it).
   */
  logAppend?(
    key: string,
    value: string,
    options: CacheLogOptions,
  ): Promise<CacheLogState | undefined>
  /**
   * The log's epoch and latest offset, and the entries still kept after offset `after` (none when
   * `after` is `undefined`), oldest first. Starts a missing log like {@link logAppend} when
   * `options.create` is given, else resolves `undefined`.
   */
  logRead?(
    key: string,
    after: number | undefined,
    options: CacheLogOptions,
  ): Promise<CacheLogRead | undefined>
}

/** How {@link CacheAdapter.logAppend} and {@link CacheAdapter.logRead} start a missing log. */
export interface CacheLogCreate {
  /** The new log's epoch: a fresh id, so holders of an older epoch know their offsets are void. */
  readonly epoch: string
  /** The most entries kept (older ones are dropped first). */
  readonly maxLen: number
  /** How long the entries outlive the last append, in ms. */
  readonly ttlMs: number
}

/** Options of the capped-log calls of {@link CacheAdapter}. */
export interface CacheLogOptions {
  /** Start the log when it does not exist; without it a missing log resolves `undefined`. */
  readonly create?: CacheLogCreate
  /** The time stamped on an appended entry, in epoch ms. @default Date.now() */
  readonly now?: number
}

/** Where a capped log stands: its epoch and its latest offset (0 before the first entry). */
export interface CacheLogState {
  readonly epoch: string
  readonly offset: number
}

/** One entry of a capped log. */
export interface CacheLogEntry {
  readonly offset: number
  /** When it was appended, in epoch ms. */
  readonly at: number
  readonly value: string
}

/** What {@link CacheAdapter.logRead} resolves. */
export interface CacheLogRead extends CacheLogState {
  /** The kept entries after the offset asked for, oldest first (may start later than asked). */
  readonly entries: readonly CacheLogEntry[]
}

/** A held lock: release and extend need its token, so an expired holder never frees another's lock. */
export interface LockHandle {
  readonly key: string
  readonly token: string
  readonly expiresAt: number
}

/** Distributed (or in-process) locks with a TTL and token-checked release and extend. */
export interface LockAdapter extends MegaAdapter {
  /** Resolves the handle, or `null` when another holder has the key. */
  acquire(key: string, ttlMs: number): Promise<LockHandle | null>
  /** `true` when this handle still held the lock and released it. */
  release(handle: LockHandle): Promise<boolean>
  /** The renewed handle, or `null` when the lock was lost. */
  extend(handle: LockHandle, ttlMs: number): Promise<LockHandle | null>
}

/** Server-side session storage with a TTL. */
export interface SessionAdapter extends MegaAdapter {
  get<T = Record<string, unknown>>(id: string): Promise<T | undefined>
  set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void>
  destroy(id: string): Promise<void>
  touch(id: string, ttlMs: number): Promise<boolean>
}

/** A message from a bus subscription. */
export interface BusMessage<T = unknown> {
  readonly subject: string
  readonly data: T
}

/** Publish/subscribe over subjects (`a.b`, with `*` for one token and `>` for the rest). */
export interface BusAdapter extends MegaAdapter {
  publish(subject: string, data: unknown): Promise<void>
  /** Subscribes; resolves a function that unsubscribes. */
  subscribe<T = unknown>(
    subject: string,
    handler: (message: BusMessage<T>) => unknown,
  ): Promise<() => void>
}
