import { dbError } from '../errors.js'

/** A clock in milliseconds since the epoch; tests pass their own. */
export type KvClock = () => number

/** The longest key a key-value adapter accepts, in characters. */
export const MAX_KV_KEY_LENGTH = 1024

/** The namespace a key-value adapter uses when no app is given. */
export const DEFAULT_KV_APP = 'mega'

/** What a key-value adapter takes besides its options: the app it belongs to and test seams. */
export interface KvScope {
  /** The app whose keys the adapter reads and writes (`<prefix>:<kind>:<app>:<key>`). @default 'mega' */
  readonly app?: string
  /** Clock used for expiries (file adapters and lock handles). @default Date.now */
  readonly clock?: KvClock
}

function invalid(message: string): Error {
  return dbError('MEGA_KV_INVALID_INPUT', message)
}

/** Throws MEGA_KV_INVALID_INPUT unless `key` is a non-empty string of at most 1024 characters. */
export function checkKey(key: unknown, what = 'key'): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KV_KEY_LENGTH) {
    throw invalid(
      `The ${what} must be a non-empty string of at most ${MAX_KV_KEY_LENGTH} characters, got ${typeof key === 'string' ? `a string of ${key.length}` : typeof key}.`,
    )
  }
  return key
}

/** Throws MEGA_KV_INVALID_INPUT unless `ttlMs` is a positive safe integer of milliseconds. */
export function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw invalid(`ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}.`)
  }
  return ttlMs
}

/** Serialises a value as JSON; throws MEGA_KV_INVALID_INPUT for what JSON cannot hold. */
export function encodeValue(value: unknown, key: string): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw dbError(
      'MEGA_KV_INVALID_INPUT',
      `The value for "${key}" cannot be stored as JSON (${(err as Error).message}): store plain data.`,
      { cause: err },
    )
  }
  if (text === undefined)
    throw invalid(
      `Cannot store a ${typeof value} under "${key}": store JSON values (not undefined).`,
    )
  return text
}

/** Throws MEGA_KV_INVALID_INPUT unless `data` is a plain object (what a session holds). */
export function checkSessionData(data: unknown, id: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalid(
      `Session "${id}" data must be an object, got ${Array.isArray(data) ? 'an array' : String(data)}.`,
    )
  return data as Record<string, unknown>
}
