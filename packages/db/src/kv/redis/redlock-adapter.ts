import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { BaseAdapter, type AdapterHealth, type LockAdapter, type LockHandle } from '@mega/core'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../../errors.js'
import { checkKey, checkTtl, DEFAULT_KV_APP, type KvClock, type KvScope } from '../kv-input.js'
import { RedisKvAdapter } from './redis-client.js'
import { EXTEND_LOCK_SCRIPT, RELEASE_LOCK_SCRIPT } from './redis-lock-adapter.js'
import {
  redlockOptionsSchema,
  type RedlockOptions,
  type RedlockOptionsInput,
} from './redlock-options.js'

/**
 * One Redis node of a quorum: the shared client code (connect, timeouts, coded errors). A node
 * whose connection is down answers "no" at once instead of queueing the command until it
 * reconnects, so a stopped node costs a round nothing.
 */
class RedlockNode extends RedisKvAdapter {
  readonly kind = 'lock' as const

  /** `true` when `SET NX PX` took the key on this node. */
  async take(name: string, token: string, ttlMs: number): Promise<boolean> {
    const reply = await this.command('SET NX', (c) =>
      c.status === 'ready' ? c.set(name, token, 'PX', ttlMs, 'NX') : Promise.reject(down()),
    )
    return reply === 'OK'
  }

  /** `true` when the token-checked script changed the key on this node. */
  async script(script: string, name: string, ...args: string[]): Promise<boolean> {
    const reply = await this.command('lock script', (c) =>
      c.status === 'ready' ? c.eval(script, 1, name, ...args) : Promise.reject(down()),
    )
    return reply === 1
  }
}

function down(): Error {
  return new Error('connection is down')
}

/** How one round went: nodes that said yes, and nodes that answered at all. */
interface Round {
  readonly yes: number
  readonly answered: number
}

/**
 * Quorum locks over several independent Redis masters, per Redis's Redlock description: one
 * `SET NX PX` with the same random token on every node at once; the lock is held when a majority
 * said yes and time is left of the TTL after the round and a drift allowance (`ttl * driftFactor +
 * 2` ms). A round without a majority is undone on every node and retried after a jittered delay.
 * Release and extend are the token-checked Lua scripts of {@link RedisLockAdapter}, run on every
 * node; extend needs a majority. Written over ioredis rather than the `redlock` package: its
 * `latest` (4.2.0) is for the old `redis` client with bluebird, and v5 has stayed a beta for years.
 *
 * @example
 * const locks = new RedlockAdapter('locks', { nodes: ['redis://a:6379', 'redis://b:6379', 'redis://c:6379'] })
 * await locks.connect()
 * const lock = await locks.acquire('report', 10_000) // null when held elsewhere
 * if (lock) try { await work() } finally { await locks.release(lock) }
 */
export class RedlockAdapter extends BaseAdapter implements LockAdapter {
  readonly kind = 'lock' as const
  /** The validated options, with defaults. */
  readonly options: RedlockOptions
  /** How many nodes must agree: a majority of `nodes`. */
  readonly quorum: number
  readonly #nodes: readonly RedlockNode[]
  readonly #clock: KvClock

  constructor(alias: string, options: RedlockOptionsInput, scope: KvScope = {}) {
    super('redlock', alias)
    this.options = parseOptions(redlockOptionsSchema, options, `adapters.${alias}`)
    this.quorum = Math.floor(this.options.nodes.length / 2) + 1
    this.#clock = scope.clock ?? Date.now
    const app = scope.app ?? DEFAULT_KV_APP
    this.#nodes = this.options.nodes.map(
      (url, i) =>
        new RedlockNode(
          `${alias}#${i}`,
          {
            url,
            keyPrefix: this.options.keyPrefix,
            connectTimeoutMs: this.options.connectTimeoutMs,
            commandTimeoutMs: this.options.nodeTimeoutMs,
          },
          { app },
        ),
    )
  }

  /** The full Redis key of `key` on every node: `<keyPrefix>:lock:<app>:<key>`. */
  redisKey(key: string): string {
    return this.#nodes[0]!.redisKey(key)
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | null> {
    const name = this.redisKey(checkKey(key, 'lock key'))
    checkTtl(ttlMs)
    const token = randomUUID()
    const { retryCount, retryDelayMs, retryJitterMs } = this.options
    let last: Round = { yes: 0, answered: this.#nodes.length }
    for (let attempt = 0; attempt <= retryCount; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs + Math.floor(Math.random() * (retryJitterMs + 1)))
      const start = this.#clock()
      last = await this.#round((node) => node.take(name, token, ttlMs))
      const validity = ttlMs - (this.#clock() - start) - this.#drift(ttlMs)
      if (last.yes >= this.quorum && validity > 0)
        return { key, token, expiresAt: this.#clock() + validity }
      await this.#round((node) => node.script(RELEASE_LOCK_SCRIPT, name, token))
    }
    if (last.answered < this.quorum) throw this.#noQuorum(last, 'acquire')
    return null
  }

  async release(handle: LockHandle): Promise<boolean> {
    const name = this.redisKey(checkKey(handle.key, 'lock key'))
    const round = await this.#round((node) => node.script(RELEASE_LOCK_SCRIPT, name, handle.token))
    return round.yes >= this.quorum
  }

  async extend(handle: LockHandle, ttlMs: number): Promise<LockHandle | null> {
    const name = this.redisKey(checkKey(handle.key, 'lock key'))
    checkTtl(ttlMs)
    const start = this.#clock()
    const round = await this.#round((node) =>
      node.script(EXTEND_LOCK_SCRIPT, name, handle.token, String(ttlMs)),
    )
    const validity = ttlMs - (this.#clock() - start) - this.#drift(ttlMs)
    if (round.yes >= this.quorum && validity > 0)
      return { key: handle.key, token: handle.token, expiresAt: this.#clock() + validity }
    if (round.answered < this.quorum) throw this.#noQuorum(round, 'extend')
    return null
  }

  protected async _connect(): Promise<void> {
    const results = await Promise.allSettled(this.#nodes.map((node) => node.connect()))
    const up = results.filter((r) => r.status === 'fulfilled').length
    if (up >= this.quorum) return
    await Promise.allSettled(this.#nodes.map((node) => node.disconnect()))
    const reason = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    throw dbError(
      'MEGA_KV_UNAVAILABLE',
      `Redlock adapter "${this.alias}" reached ${up} of ${this.#nodes.length} Redis nodes; a lock needs ${this.quorum}: start the nodes or fix their urls.`,
      { cause: reason?.reason },
    )
  }

  protected async _disconnect(): Promise<void> {
    await Promise.allSettled(this.#nodes.map((node) => node.disconnect()))
  }

  protected override async _health(): Promise<AdapterHealth> {
    const start = performance.now()
    const checks = await Promise.all(this.#nodes.map((node) => node.health()))
    const up = checks.filter((h) => h.ok).length
    if (up >= this.quorum)
      return { ok: true, latencyMs: Math.round((performance.now() - start) * 100) / 100 }
    return {
      ok: false,
      error: `${up} of ${this.#nodes.length} Redis nodes answer; need ${this.quorum}`,
    }
  }

  #drift(ttlMs: number): number {
    return Math.floor(ttlMs * this.options.driftFactor) + 2
  }

  /** Runs `call` on every node at once, each bounded by `nodeTimeoutMs`; failures count as "no". */
  async #round(call: (node: RedlockNode) => Promise<boolean>): Promise<Round> {
    const limit = this.options.nodeTimeoutMs
    const replies = await Promise.all(
      this.#nodes.map(async (node) => {
        if (node.state !== 'connected') return undefined
        const timeout = sleep(limit, undefined, { ref: false })
        return Promise.race([call(node), timeout]).catch(() => undefined)
      }),
    )
    return {
      yes: replies.filter((r) => r === true).length,
      answered: replies.filter((r) => r !== undefined).length,
    }
  }

  #noQuorum(round: Round, what: string): Error {
    return dbError(
      'MEGA_KV_UNAVAILABLE',
      `Redlock ${what} on "${this.alias}": only ${round.answered} of ${this.#nodes.length} Redis nodes answered and a lock needs ${this.quorum}: restart the stopped nodes.`,
    )
  }
}
