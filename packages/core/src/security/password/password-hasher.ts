import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { CORE_ERRORS } from '../../errors.js'
import {
  formatPhc,
  parsePhc,
  SCRYPT_BOUNDS,
  scryptMemoryBytes,
  type ParsedPasswordHash,
  type ScryptParams,
} from './phc-string.js'

/**
 * Mega's scrypt cost for new hashes: N = 2^15 (`ln` 15), r = 8, p = 3. That is 32 MiB of memory
 * per hash and about three times the CPU work of one 32 MiB pass: one of the settings OWASP's
 * Password Storage Cheat Sheet lists as equal in strength to N = 2^17, r = 8, p = 1, with a quarter
 * of its memory, so a burst of logins cannot exhaust the heap. Raise it with
 * {@link createPasswordHasher}: stored hashes keep verifying (each names its own parameters) and
 * {@link PasswordHasher.needsRehash} says which to upgrade at the next login.
 */
export const DEFAULT_PASSWORD_HASH_PARAMS: Readonly<ScryptParams> = Object.freeze({
  ln: 15,
  r: 8,
  p: 3,
})

const b = SCRYPT_BOUNDS
const int = (what: string, bounds: { min: number; max: number }) =>
  z
    .number()
    .int()
    .min(bounds.min, `${what} is at least ${bounds.min}`)
    .max(bounds.max, `${what} is at most ${bounds.max}`)

const optionsSchema = z
  .strictObject({
    ln: int('ln (log2 of N)', b.ln).default(DEFAULT_PASSWORD_HASH_PARAMS.ln),
    r: int('r (block size)', b.r).default(DEFAULT_PASSWORD_HASH_PARAMS.r),
    p: int('p (parallelism)', b.p).default(DEFAULT_PASSWORD_HASH_PARAMS.p),
    saltBytes: int('saltBytes', b.saltBytes).default(16),
    keyBytes: int('keyBytes', { min: 32, max: b.keyBytes.max }).default(64),
    maxPasswordLength: int('maxPasswordLength', { min: 8, max: 4096 }).default(1024),
  })
  .superRefine((o, ctx) => {
    if (scryptMemoryBytes(o) > b.maxMemoryBytes)
      ctx.addIssue({
        code: 'custom',
        path: ['ln'],
        message: `128 · 2^ln · r is ${scryptMemoryBytes(o)} bytes, over the 1 GiB limit: lower ln or r`,
      })
  })

/** Options of {@link createPasswordHasher}; every field has a default. */
export type PasswordHasherOptions = z.input<typeof optionsSchema>

/** What {@link PasswordHasher.inspect} tells about a stored hash. */
export interface PasswordHashInfo extends ScryptParams {
  readonly algorithm: 'scrypt'
  readonly saltBytes: number
  readonly keyBytes: number
}

/** Hashes and verifies passwords with one set of scrypt parameters (see {@link createPasswordHasher}). */
export interface PasswordHasher {
  /** The parameters new hashes get. */
  readonly params: Readonly<ScryptParams & { saltBytes: number; keyBytes: number }>
  /** A new hash string, `$scrypt$ln=..,r=..,p=..$<salt>$<key>`; `MEGA_PASSWORD_INVALID` for a non-string or too long password. */
  hash(password: string): Promise<string>
  /**
   * `true` when `password` matches `stored` (compared in constant time). Never throws: a malformed
   * or missing `stored` is `false`, after the same work as a real check (a dummy hash of this
   * hasher's cost), so the answer time does not tell whether an account exists.
   */
  verify(password: string, stored: string | null | undefined): Promise<boolean>
  /** Runs a full verification against a dummy hash and resolves `false`: for unknown accounts. */
  verifyDummy(password: string): Promise<false>
  /** `true` when `stored` is malformed or was made with other parameters: hash it again after a good login. */
  needsRehash(stored: string): boolean
  /** The parameters of a stored hash, or `undefined` when it is not a hash this hasher reads (log it). */
  inspect(stored: string): PasswordHashInfo | undefined
}

function derive(password: string, salt: Buffer, keyBytes: number, params: ScryptParams) {
  const options: ScryptOptions = {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    maxmem: 2 * scryptMemoryBytes(params),
  }
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

async function matches(password: string, hash: ParsedPasswordHash): Promise<boolean> {
  const actual = await derive(password, hash.salt, hash.key.length, hash)
  return timingSafeEqual(actual, hash.key)
}

/**
 * A password hasher with its own scrypt cost (Node's `node:crypto`, no native add-on). Options are
 * validated (`MEGA_CONFIG_INVALID` lists every problem). Passwords are NFKC-normalised first, so
 * the same password typed on two keyboards verifies.
 *
 * @example
 * const passwords = createPasswordHasher({ ln: 16, r: 8, p: 2 })
 * const stored = await passwords.hash('correct horse battery staple')
 * if (await passwords.verify(input, user?.password_hash)) {
 *   if (passwords.needsRehash(user.password_hash)) await save(await passwords.hash(input))
 * }
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const o = parseOptions(optionsSchema, options, 'password hasher options')
  const params = Object.freeze({
    ln: o.ln,
    r: o.r,
    p: o.p,
    saltBytes: o.saltBytes,
    keyBytes: o.keyBytes,
  })
  let dummy: Promise<ParsedPasswordHash> | undefined

  async function make(password: string): Promise<ParsedPasswordHash> {
    const salt = randomBytes(params.saltBytes)
    return { ...params, salt, key: await derive(password, salt, params.keyBytes, params) }
  }

  const usable = (password: unknown): password is string =>
    typeof password === 'string' && password.length <= o.maxPasswordLength

  async function verifyDummy(password: string): Promise<false> {
    try {
      dummy ??= make(randomBytes(16).toString('base64url'))
      await matches(usable(password) ? password : '', await dummy)
    } catch {
      dummy = undefined
    }
    return false
  }

  return {
    params,
    async hash(password) {
      const given: unknown = password
      if (!usable(given))
        throw CORE_ERRORS.create('MEGA_PASSWORD_INVALID', [
          typeof given === 'string'
            ? `${given.length} characters, over maxPasswordLength ${o.maxPasswordLength}`
            : `a ${typeof given}`,
        ])
      return formatPhc(await make(given))
    },
    async verify(password, stored) {
      const parsed = parsePhc(stored)
      if (parsed === undefined || !usable(password)) return verifyDummy(password)
      try {
        return await matches(password, parsed)
      } catch {
        return false
      }
    },
    verifyDummy,
    needsRehash(stored) {
      const parsed = parsePhc(stored)
      return (
        parsed === undefined ||
        parsed.ln !== params.ln ||
        parsed.r !== params.r ||
        parsed.p !== params.p ||
        parsed.salt.length !== params.saltBytes ||
        parsed.key.length !== params.keyBytes
      )
    },
    inspect(stored) {
      const parsed = parsePhc(stored)
      if (parsed === undefined) return undefined
      const { ln, r, p, salt, key } = parsed
      return { algorithm: 'scrypt', ln, r, p, saltBytes: salt.length, keyBytes: key.length }
    },
  }
}

let defaultHasher: PasswordHasher | undefined
const hasher = (): PasswordHasher => (defaultHasher ??= createPasswordHasher())

/**
 * Hashes a password with {@link DEFAULT_PASSWORD_HASH_PARAMS} and a random 16-byte salt:
 * `$scrypt$ln=15,r=8,p=3$<salt>$<key>` (PHC string format).
 *
 * @example
 * const passwordHash = await hashPassword(input.password)
 */
export function hashPassword(password: string): Promise<string> {
  return hasher().hash(password)
}

/**
 * Checks a password against a stored hash in constant time; never throws. A malformed or missing
 * hash (an unknown account: pass `undefined`) is `false` after the same work as a real check.
 *
 * @example
 * const user = await users.findByEmail(email)
 * if (!(await verifyPassword(password, user?.password_hash))) throw invalidCredentials()
 */
export function verifyPassword(
  password: string,
  stored: string | null | undefined,
): Promise<boolean> {
  return hasher().verify(password, stored)
}

/**
 * `true` when `stored` is malformed or its parameters differ from `params` (default
 * {@link DEFAULT_PASSWORD_HASH_PARAMS}): hash the password again after a successful login.
 *
 * @example
 * if (needsRehash(user.password_hash)) await users.update(user.id, { passwordHash: await hashPassword(password) })
 */
export function needsRehash(stored: string, params: PasswordHasherOptions = {}): boolean {
  const target = Object.keys(params).length === 0 ? hasher() : createPasswordHasher(params)
  return target.needsRehash(stored)
}
