import { checkPrincipal, type SessionPrincipal } from '../sessions/principal.js'
import { CORE_ERRORS } from '../errors.js'
import {
  ACCESS_TOKEN_PREFIX,
  DEFAULT_ACCESS_TOKEN_TTL_MS,
  hashTokenSecret,
  isTokenId,
  newTokenSecret,
  parseAccessToken,
  secretMatches,
  type AccessTokenRecord,
  type AccessTokenStore,
} from './access-token.js'

/** Options of {@link AccessTokens.create}. */
export interface CreateAccessTokenOptions {
  /** What the token may do (`requireAbility`). @default ['*'] (everything its user may do) */
  readonly abilities?: readonly string[]
  /** How long it lives, in ms. @default DEFAULT_ACCESS_TOKEN_TTL_MS (30 days) */
  readonly expiresInMs?: number
  /** A label for the user's token list. @default null */
  readonly name?: string
}

/** A token just created: `token` is shown to its owner once (only its hash is stored). */
export interface CreatedAccessToken {
  /** `mat_<id>.<secret>`: what the client sends as `Authorization: Bearer <token>`. */
  readonly token: string
  readonly record: AccessTokenRecord
}

function invalid(message: string): never {
  throw CORE_ERRORS.create('MEGA_AUTH_OPTIONS_INVALID', [message])
}

function checkCreate(options: CreateAccessTokenOptions): Required<CreateAccessTokenOptions> {
  const given: unknown = options.abilities ?? ['*']
  const abilities: readonly unknown[] = Array.isArray(given) ? (given as unknown[]) : []
  if (abilities.length === 0 || !abilities.every((a) => typeof a === 'string' && a.length > 0))
    invalid('createToken: abilities is a non-empty list of non-empty strings (["*"] for all).')
  const ttl = options.expiresInMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS
  if (!Number.isSafeInteger(ttl) || ttl < 1000)
    invalid(`createToken: expiresInMs is a whole number of ms, at least 1000 (got ${String(ttl)}).`)
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length > 200))
    invalid('createToken: name is a string of at most 200 characters.')
  return { abilities: abilities.map(String), expiresInMs: ttl, name: options.name ?? '' }
}

/**
 * API tokens over a store (AdonisJS access tokens are the model): `create` gives `mat_<id>.<secret>`
 * once and stores the secret's SHA-256; `verify` finds the id, compares the hash in constant time,
 * refuses (and deletes) an expired token and records the use of a valid one. `ctx.auth` uses it for the bearer strategy; use it
 * directly in scripts and services.
 *
 * @example
 * const tokens = new AccessTokens(new MemoryAccessTokenStore())
 * const { token } = await tokens.create(user.id, { abilities: ['boards:read'] })
 * const record = await tokens.verify(token) // the record, or undefined
 */
export class AccessTokens {
  readonly #store: AccessTokenStore
  readonly #now: () => Date

  constructor(store: AccessTokenStore, now: () => Date = () => new Date()) {
    this.#store = store
    this.#now = now
  }

  /** Creates a token for `principal` (the user's id); `MEGA_AUTH_OPTIONS_INVALID` for bad options. */
  async create(
    principal: SessionPrincipal,
    options: CreateAccessTokenOptions = {},
  ): Promise<CreatedAccessToken> {
    const checked = checkPrincipal(principal)
    const o = checkCreate(options)
    const secret = newTokenSecret()
    const createdAt = this.#now()
    const fields = {
      principal: checked,
      hash: hashTokenSecret(secret),
      abilities: Object.freeze(o.abilities),
      name: o.name === '' ? null : o.name,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + o.expiresInMs),
    }
    const id = String(await this.#store.create(fields))
    if (!isTokenId(id))
      throw CORE_ERRORS.create('MEGA_AUTH_OPTIONS_INVALID', [
        `AccessTokenStore.create resolved the id ${JSON.stringify(id)}: resolve 1 to 64 of [A-Za-z0-9_-] (e.g. the row id).`,
      ])
    const record = Object.freeze({ id, ...fields, lastUsedAt: null })
    return { token: `${ACCESS_TOKEN_PREFIX}${id}.${secret}`, record }
  }

  /**
   * The record of a valid token (its use recorded), or `undefined` for a malformed, unknown,
   * revoked or expired one, or a wrong secret.
   */
  async verify(token: string): Promise<AccessTokenRecord | undefined> {
    const parts = parseAccessToken(token)
    if (parts === undefined) return undefined
    const record = await this.#store.find(parts.id)
    if (record === undefined || !secretMatches(parts.secret, record.hash)) return undefined
    const now = this.#now()
    if (record.expiresAt.getTime() <= now.getTime()) {
      await this.#store.revoke(record.id) // it can never be valid again: forget it
      return undefined
    }
    await this.#store.touch(record.id, now)
    return { ...record, lastUsedAt: now }
  }

  /** Revokes a token by id (or by the token itself): it no longer authenticates. */
  async revoke(idOrToken: string): Promise<void> {
    const id = parseAccessToken(idOrToken)?.id ?? idOrToken
    if (isTokenId(id)) await this.#store.revoke(id)
  }
}
