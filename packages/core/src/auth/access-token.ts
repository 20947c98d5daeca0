import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SessionPrincipal } from '../sessions/principal.js'

/** What an access token store keeps of one token: never the token itself, only its secret's hash. */
export interface AccessTokenRecord {
  /** The store's id of the token (the part of the token before the dot): `[A-Za-z0-9_-]`, 1 to 64. */
  readonly id: string
  /** Whose token it is: the principal `resolveUser` loads the user from. */
  readonly principal: SessionPrincipal
  /** The SHA-256 of the secret, hex (64 characters). */
  readonly hash: string
  /** What the token may do (`requireAbility`); `*` is everything. */
  readonly abilities: readonly string[]
  /** A label for the user's token list ("CI deploy"), or `null`. */
  readonly name: string | null
  readonly createdAt: Date
  /** After this instant the token no longer authenticates. */
  readonly expiresAt: Date
  /** When the token last authenticated a request, or `null` if never. */
  readonly lastUsedAt: Date | null
}

/** What {@link AccessTokenStore.create} is given: a record without its id and use. */
export type NewAccessToken = Omit<AccessTokenRecord, 'id' | 'lastUsedAt'>

/**
 * Where access tokens live: the app's table (a model with a migration) or
 * {@link MemoryAccessTokenStore}. Core never touches a database: the app implements these four calls.
 */
export interface AccessTokenStore {
  /** Stores a new token; resolves its id (`[A-Za-z0-9_-]`, 1 to 64 characters, e.g. a row id). */
  create(token: NewAccessToken): Promise<string | number>
  /** The token with this id, or `undefined` (unknown or revoked). */
  find(id: string): Promise<AccessTokenRecord | undefined>
  /** Deletes the token: it no longer authenticates. An unknown id is ignored. */
  revoke(id: string): Promise<void>
  /** Records a use of the token (`lastUsedAt`). */
  touch(id: string, usedAt: Date): Promise<void>
}

/** The prefix of every access token Mega issues (`mat_<id>.<secret>`), so secret scanners spot them. */
export const ACCESS_TOKEN_PREFIX = 'mat_'

/** How long a token lives unless `expiresInMs` says otherwise: 30 days. */
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000

const TOKEN = /^mat_([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/
const ID = /^[A-Za-z0-9_-]{1,64}$/

/** The SHA-256 of a token secret, hex. Secrets are 256 random bits: a plain hash is enough. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** A new random secret: 32 bytes, base64url (43 characters). */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Splits `mat_<id>.<secret>`, or `undefined` when the text is not shaped like a Mega token. */
export function parseAccessToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token)
  return match === null ? undefined : { id: match[1]!, secret: match[2]! }
}

/** `true` when `id` may be a token id (what a store's `create` must resolve). */
export function isTokenId(id: string): boolean {
  return ID.test(id)
}

/** `true` when `secret` hashes to `hash`, compared in constant time. */
export function secretMatches(secret: string, hash: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hash)) return false
  return timingSafeEqual(Buffer.from(hashTokenSecret(secret), 'hex'), Buffer.from(hash, 'hex'))
}
