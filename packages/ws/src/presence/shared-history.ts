import type { CacheAdapter, CacheLogCreate } from '@mega/core'
import type { FastifyBaseLogger } from 'fastify'
import { generateMessageId } from '../protocol/ulid.js'
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_HISTORY_TTL_MS,
  type HistoryOptions,
  type Replay,
} from './ns-history.js'

/** Where a namespace's history stands: its epoch and the offset of its latest message. */
export interface HistoryPosition {
  readonly epoch: string
  readonly offset: number
}

/** The slice of a cache adapter a shared history calls (the `redis` driver has it). */
export type HistoryCache = Required<Pick<CacheAdapter, 'logAppend' | 'logRead'>>

/** Whether a cache adapter can keep a shared history (it has the optional capped-log calls). */
export function canKeepHistory(cache: CacheAdapter): cache is CacheAdapter & HistoryCache {
  return typeof cache.logAppend === 'function' && typeof cache.logRead === 'function'
}

/**
 * Namespace histories kept in the app's cache (Redis) and shared by every process: one offset
 * sequence and one epoch per namespace, so a client that reconnects to another process resumes
 * where it was. A history that was lost (expired, flushed) starts again under a new epoch.
 */
export class SharedHistory {
  readonly #cache: HistoryCache
  readonly #prefix: string
  readonly #log: Pick<FastifyBaseLogger, 'warn'>
  readonly #now: () => number

  constructor(
    cache: HistoryCache,
    prefix: string,
    log: Pick<FastifyBaseLogger, 'warn'>,
    now: () => number = Date.now,
  ) {
    this.#cache = cache
    this.#prefix = prefix
    this.#log = log
    this.#now = now
  }

  #key(ns: string): string {
    return `${this.#prefix}:history:${ns}`
  }

  #create(options: HistoryOptions): CacheLogCreate {
    return {
      epoch: generateMessageId(),
      maxLen: options.size ?? DEFAULT_HISTORY_SIZE,
      ttlMs: options.ttlMs ?? DEFAULT_HISTORY_TTL_MS,
    }
  }

  /** The namespace's position (its history is started when missing). */
  async position(ns: string, options: HistoryOptions): Promise<HistoryPosition> {
    const read = await this.#cache.logRead(this.#key(ns), undefined, {
      create: this.#create(options),
    })
    return { epoch: read?.epoch ?? '', offset: read?.offset ?? 0 }
  }

  /**
   * Appends a message and resolves its position. Without `options` (this process does not know
   * the namespace keeps a history) it appends only when another process started one. A store
   * failure is logged and resolves `undefined`: the message goes out without an offset.
   */
  async append(
    ns: string,
    record: string,
    options: HistoryOptions | undefined,
  ): Promise<HistoryPosition | undefined> {
    try {
      return await this.#cache.logAppend(this.#key(ns), record, {
        now: this.#now(),
        ...(options === undefined ? {} : { create: this.#create(options) }),
      })
    } catch (err) {
      this.#log.warn({ err, ns }, 'ws history: append failed; the message has no offset')
      return undefined
    }
  }

  /** What a client that last saw `offset` of `epoch` missed (the kept records), or a gap. */
  async since(ns: string, options: HistoryOptions, epoch: string, offset: number): Promise<Replay> {
    const valid = Number.isSafeInteger(offset) && offset >= 0
    const read = await this.#cache.logRead(this.#key(ns), valid ? offset : undefined, {
      create: this.#create(options),
    })
    const at = { epoch: read?.epoch ?? '', offset: read?.offset ?? 0 }
    const gap = { ok: false, ...at } as const
    if (!valid || epoch !== at.epoch || offset > at.offset) return gap
    if (offset === at.offset) return { ok: true, frames: [], offset }
    const oldest = this.#now() - (options.ttlMs ?? DEFAULT_HISTORY_TTL_MS)
    const entries = [...(read?.entries ?? [])]
    while (entries[0] !== undefined && entries[0].at < oldest) entries.shift()
    // Offsets are contiguous: the history covers the client when it still holds offset + 1.
    if (entries[0]?.offset !== offset + 1) return gap
    return { ok: true, frames: entries.map((e) => e.value), offset: at.offset }
  }
}
