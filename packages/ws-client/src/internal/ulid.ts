// ULID-shaped ids (48-bit time + 80 random bits, Crockford base32) from the platform's
// `crypto.getRandomValues`: browsers and Node 20 have it on globalThis, so no Node import.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T
}

function randomSource(): RandomSource {
  const source = (globalThis as { crypto?: RandomSource }).crypto
  if (source === undefined || typeof source.getRandomValues !== 'function')
    throw new TypeError(
      'globalThis.crypto.getRandomValues is missing (Node 20+ and browsers have it)',
    )
  return source
}

/** A new ULID-shaped id: 26 characters, sortable by time. */
export function generateClientId(now: number = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = (ALPHABET[t % 32] ?? '0') + time
    t = Math.floor(t / 32)
  }
  const bytes = randomSource().getRandomValues(new Uint8Array(16))
  let random = ''
  for (const byte of bytes) random += ALPHABET[byte % 32] ?? '0'
  return time + random
}
