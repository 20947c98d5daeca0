import type { SessionAdapter } from '@mega/core'
import { checkKey, checkSessionData, checkTtl, encodeValue } from '../kv-input.js'
import { RedisKvAdapter } from './redis-client.js'

/**
 * Session storage on Redis: one JSON value per session under `<keyPrefix>:session:<app>:<id>`,
 * always with a TTL; `touch` moves the expiry (`PEXPIRE`).
 *
 * @example
 * const sessions = new RedisSessionAdapter('session', { url: 'redis://127.0.0.1:6379' })
 * await sessions.connect()
 * await sessions.set('s1', { userId: 1 }, 30 * 60_000)
 */
export class RedisSessionAdapter extends RedisKvAdapter implements SessionAdapter {
  readonly kind = 'session' as const

  async get<T = Record<string, unknown>>(id: string): Promise<T | undefined> {
    const name = this.redisKey(checkKey(id, 'session id'))
    const text = await this.command('GET', (c) => c.get(name))
    return text === null ? undefined : (JSON.parse(text) as T)
  }

  async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    const name = this.redisKey(checkKey(id, 'session id'))
    checkTtl(ttlMs)
    const text = encodeValue(checkSessionData(data, id), id)
    await this.command('SET', (c) => c.set(name, text, 'PX', ttlMs))
  }

  async destroy(id: string): Promise<void> {
    const name = this.redisKey(checkKey(id, 'session id'))
    await this.command('DEL', (c) => c.del(name))
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const name = this.redisKey(checkKey(id, 'session id'))
    checkTtl(ttlMs)
    return (await this.command('PEXPIRE', (c) => c.pexpire(name, ttlMs))) === 1
  }
}
