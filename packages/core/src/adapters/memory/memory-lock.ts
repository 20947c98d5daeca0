import { randomUUID } from 'node:crypto'
import { BaseAdapter } from '../base-adapter.js'
import type { LockAdapter, LockHandle } from '../adapter-types.js'
import type { Clock } from './expiring-map.js'
import { checkTtl } from './memory-options.js'

interface Held {
  readonly token: string
  readonly expiresAt: number
}

/** In-process locks with TTL; release and extend check the token, so a lost lock stays lost. */
export class MemoryLockAdapter extends BaseAdapter implements LockAdapter {
  readonly kind = 'lock' as const
  readonly #held = new Map<string, Held>()
  readonly #clock: Clock

  constructor(alias: string, clock: Clock = Date.now) {
    super('memory', alias)
    this.#clock = clock
  }

  protected async _connect(): Promise<void> {}

  protected async _disconnect(): Promise<void> {
    this.#held.clear()
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | null> {
    checkTtl(ttlMs)
    if (this.#current(key) !== undefined) return null
    const held = { token: randomUUID(), expiresAt: this.#clock() + ttlMs }
    this.#held.set(key, held)
    return { key, ...held }
  }

  async release(handle: LockHandle): Promise<boolean> {
    if (this.#current(handle.key)?.token !== handle.token) return false
    return this.#held.delete(handle.key)
  }

  async extend(handle: LockHandle, ttlMs: number): Promise<LockHandle | null> {
    checkTtl(ttlMs)
    if (this.#current(handle.key)?.token !== handle.token) return null
    const held = { token: handle.token, expiresAt: this.#clock() + ttlMs }
    this.#held.set(handle.key, held)
    return { key: handle.key, ...held }
  }

  #current(key: string): Held | undefined {
    const held = this.#held.get(key)
    if (held === undefined || held.expiresAt > this.#clock()) return held
    this.#held.delete(key)
    return undefined
  }
}
