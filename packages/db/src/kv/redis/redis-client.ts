import type { Redis, RedisOptions as IoRedisOptions } from 'ioredis'
import { BaseAdapter, type AdapterHealth } from '@mega/core'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../../errors.js'
import { loadDriver } from '../../load-driver.js'
import { DEFAULT_KV_APP, type KvScope } from '../kv-input.js'
import { redisOptionsSchema, type RedisOptions, type RedisOptionsInput } from './redis-options.js'

/** How many times connecting is tried before `connect()` fails (within `connectTimeoutMs`). */
export const REDIS_CONNECT_ATTEMPTS = 3

/** Longest wait between reconnects once connected, in ms (reconnects then never give up). */
export const REDIS_MAX_RECONNECT_DELAY_MS = 2000

/** Decides, per failed attempt, whether and when ioredis tries again. */
export type RedisRetry = (times: number) => number | null

/**
 * Creates an ioredis client that connects only when asked (`lazyConnect`), retries as `retry` says
 * and fails a command after two reconnects instead of queueing it for long. `ioredis` is a peer
 * dependency, loaded here: when it is not installed this fails with `MEGA_DB_DRIVER_MISSING`
 * naming `alias`.
 *
 * @example
 * const client = await createRedisClient(parseOptions(redisOptionsSchema, { url: 'redis://127.0.0.1:6379' }, 'redis'), () => null)
 */
export async function createRedisClient(
  options: RedisOptions,
  retry: RedisRetry,
  alias = 'redis',
): Promise<Redis> {
  const { Redis } = await loadDriver('ioredis', { alias, dialect: 'redis' })
  const common: IoRedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 2,
    retryStrategy: retry,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
    ...(options.password === undefined ? {} : { password: options.password }),
  }
  if (options.url !== undefined) return new Redis(options.url, common)
  return new Redis({
    ...common,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 6379,
    db: options.db ?? 0,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.tls === true ? { tls: {} } : {}),
  })
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * The shared part of the redis adapters: options, key namespacing (`<keyPrefix>:<kind>:<app>:<key>`),
 * a connect that fails fast with MEGA_KV_UNAVAILABLE, `quit` on disconnect and a PING health check.
 * The client is created on the first connect (loading `ioredis` then) and kept for reconnects.
 */
export abstract class RedisKvAdapter extends BaseAdapter {
  /** The validated options, with defaults. */
  readonly options: RedisOptions
  /** The app whose keys this adapter uses. */
  readonly app: string
  #client: Redis | undefined
  #ready = false
  #lastError: Error | undefined

  constructor(alias: string, options: RedisOptionsInput = {}, scope: KvScope = {}) {
    super('redis', alias)
    this.options = parseOptions(redisOptionsSchema, options, `adapters.${alias}`)
    this.app = scope.app ?? DEFAULT_KV_APP
  }

  /** The client, created (and `ioredis` loaded) on the first connect. */
  async #ensureClient(): Promise<Redis> {
    if (this.#client !== undefined) return this.#client
    const client = await createRedisClient(this.options, (times) => this.#retry(times), this.alias)
    client.on('error', (err: Error) => {
      this.#lastError = err
    })
    this.#client = client
    return client
  }

  /** The full Redis key of `key`: `<keyPrefix>:<kind>:<app>:<key>`. */
  redisKey(key: string): string {
    return `${this.options.keyPrefix}:${this.kind}:${this.app}:${key}`
  }

  /** Runs a command on the connected client; failures become MEGA_KV_UNAVAILABLE. */
  protected async command<T>(what: string, run: (client: Redis) => Promise<T>): Promise<T> {
    if (this.state !== 'connected')
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Redis adapter "${this.alias}" is ${this.state}: call connect() before ${what}.`,
      )
    try {
      return await run(this.#client!)
    } catch (err) {
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Redis ${what} failed (${describe(err)}): check that Redis runs.`,
        { cause: err },
      )
    }
  }

  protected async _connect(): Promise<void> {
    const client = await this.#ensureClient()
    this.#lastError = undefined
    const ready = this.#waitReady(client)
    client.connect().catch(() => undefined) // failures arrive as 'end' (retries exhausted)
    try {
      await ready
      this.#ready = true
    } catch (err) {
      client.disconnect()
      const where =
        this.options.url ?? `${this.options.host ?? '127.0.0.1'}:${this.options.port ?? 6379}`
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Could not connect to Redis at ${where.replace(/\/\/[^@/]*@/, '//***@')} (${describe(err)}): check that Redis runs and the adapter's url/host/port.`,
        { cause: err },
      )
    }
  }

  protected async _disconnect(): Promise<void> {
    const client = this.#client
    if (client === undefined || client.status === 'end') return
    if (client.status === 'ready') {
      const quit = await client.quit().catch(() => undefined)
      if (quit !== undefined) return
    }
    client.disconnect()
  }

  protected override async _health(): Promise<AdapterHealth> {
    const start = performance.now()
    const timeoutMs = this.options.commandTimeoutMs ?? this.options.connectTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PING reply within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      if (this.#client === undefined) throw new Error('not connected')
      await Promise.race([this.#client.ping(), late])
      return { ok: true, latencyMs: Math.round((performance.now() - start) * 100) / 100 }
    } catch (err) {
      return { ok: false, error: describe(err) }
    } finally {
      clearTimeout(timer)
    }
  }

  #retry(times: number): number | null {
    if (this.#ready) return Math.min(times * 100, REDIS_MAX_RECONNECT_DELAY_MS)
    return times < REDIS_CONNECT_ATTEMPTS ? times * 100 : null
  }

  #waitReady(client: Redis): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs
    return new Promise((resolve, reject) => {
      const finish = (err?: Error): void => {
        clearTimeout(timer)
        client.off('ready', onReady)
        client.off('end', onEnd)
        if (err === undefined) resolve()
        else reject(err)
      }
      const onReady = (): void => finish()
      const onEnd = (): void => finish(this.#lastError ?? new Error('connection closed'))
      const timer = setTimeout(
        () => finish(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      )
      client.once('ready', onReady)
      client.once('end', onEnd)
    })
  }
}
