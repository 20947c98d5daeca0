import type { AccessTokenRecord, AccessTokenStore, NewAccessToken } from './access-token.js'

/**
 * Access tokens in this process's memory: for tests and single-process demos (they are gone at
 * restart and not shared by a cluster's workers). Production apps keep them in a table.
 *
 * @example
 * auth({ resolveUser, tokens: new MemoryAccessTokenStore() })
 */
export class MemoryAccessTokenStore implements AccessTokenStore {
  readonly #tokens = new Map<string, AccessTokenRecord>()
  #next = 0

  create(token: NewAccessToken): Promise<string> {
    const id = String(++this.#next)
    this.#tokens.set(id, Object.freeze({ ...token, id, lastUsedAt: null }))
    return Promise.resolve(id)
  }

  find(id: string): Promise<AccessTokenRecord | undefined> {
    return Promise.resolve(this.#tokens.get(id))
  }

  revoke(id: string): Promise<void> {
    this.#tokens.delete(id)
    return Promise.resolve()
  }

  touch(id: string, usedAt: Date): Promise<void> {
    const token = this.#tokens.get(id)
    if (token !== undefined) this.#tokens.set(id, Object.freeze({ ...token, lastUsedAt: usedAt }))
    return Promise.resolve()
  }

  /** How many tokens are stored (for tests). */
  get size(): number {
    return this.#tokens.size
  }
}
