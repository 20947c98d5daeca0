import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * scrypt cost of new hashes: N=2^15, r=8, p=1 (32 MiB, tens of milliseconds). OWASP suggests N=2^17
 * for servers with the memory to spare; raise it here and old hashes still verify, since each one
 * carries its own parameters.
 */
export const DEFAULT_SCRYPT_PARAMS = Object.freeze({ N: 32_768, r: 8, p: 1 })

const KEY_LENGTH = 64
const SALT_BYTES = 16
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

/** scrypt cost parameters: CPU/memory cost `N` (a power of two), block size `r`, parallelism `p`. */
export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * Hashes a password with scrypt and a random 16-byte salt. The result names its algorithm and
 * parameters, so they can be raised later without breaking stored hashes:
 * `scrypt$N$r$p$<salt base64url>$<key base64url>`.
 *
 * @example
 * const stored = await hashPassword('correct horse') // 'scrypt$32768$8$1$...$...'
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/**
 * Checks a password against a stored hash in constant time (`timingSafeEqual`). A malformed hash
 * never matches.
 *
 * @example
 * if (!(await verifyPassword(input, user.password_hash))) throw invalidCredentials()
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored)
  if (m === null) return false
  const [, n, r, p, salt, key] = m as unknown as [string, string, string, string, string, string]
  const expected = Buffer.from(key, 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  })
  return timingSafeEqual(actual, expected)
}
