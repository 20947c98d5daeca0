import { randomFillSync } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_CHARS = 16

let lastTime = -1
const lastRandom = new Uint8Array(RANDOM_CHARS)

function encodeTime(ms: number): string {
  let out = ''
  let rest = ms
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32]! + out
    rest = Math.floor(rest / 32)
  }
  return out
}

/** Adds one to the random part (base-32 digits), so ids made in the same millisecond still sort. */
function increment(digits: Uint8Array): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]! += 1
      return true
    }
    digits[i] = 0
  }
  return false
}

/**
 * A new ULID (26 characters of Crockford base 32: 48 bits of time, 80 random bits), monotonic in
 * this process: ids made in the same millisecond sort in the order they were made.
 */
export function generateMessageId(now: number = Date.now()): string {
  if (now > lastTime || !increment(lastRandom)) {
    randomFillSync(lastRandom)
    for (let i = 0; i < RANDOM_CHARS; i++) lastRandom[i]! &= 31
    lastTime = Math.max(now, lastTime)
  }
  let random = ''
  for (const digit of lastRandom) random += ALPHABET[digit]!
  return encodeTime(lastTime) + random
}

/** A ULID as {@link generateMessageId} makes them. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/
