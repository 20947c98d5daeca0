import type { SessionAdapter } from '@mega/core'
import { checkKey, checkSessionData, checkTtl, encodeValue, type KvScope } from '../kv-input.js'
import { DEFAULT_FILE_SESSION_DIR, type FileOptionsInput } from './file-options.js'
import { FileKvAdapter } from './file-store.js'

/**
 * Session storage on local files: one JSON file per session, always with a TTL; expired sessions
 * are deleted when read and by a periodic sweep. For development and single instances.
 *
 * @example
 * const sessions = new FileSessionAdapter('session', { dir: './data/sessions' })
 * await sessions.connect()
 * await sessions.set('s1', { userId: 1 }, 30 * 60_000)
 */
export class FileSessionAdapter extends FileKvAdapter implements SessionAdapter {
  readonly kind = 'session' as const

  constructor(alias: string, options: FileOptionsInput = {}, scope: KvScope = {}) {
    super(alias, options, scope, DEFAULT_FILE_SESSION_DIR)
  }

  async get<T = Record<string, unknown>>(id: string): Promise<T | undefined> {
    const env = await this.store.read(this.entryKey(checkKey(id, 'session id')))
    return env?.value as T | undefined
  }

  async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    const name = this.entryKey(checkKey(id, 'session id'))
    checkTtl(ttlMs)
    await this.store.write(name, encodeValue(checkSessionData(data, id), id), ttlMs)
  }

  async destroy(id: string): Promise<void> {
    await this.store.delete(this.entryKey(checkKey(id, 'session id')))
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const name = this.entryKey(checkKey(id, 'session id'))
    checkTtl(ttlMs)
    const env = await this.store.read(name)
    if (env === undefined) return false
    await this.store.write(name, JSON.stringify(env.value), ttlMs)
    return true
  }
}
