import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  DEFAULT_PASSWORD_HASH_PARAMS,
  createPasswordHasher,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../src/index.js'

// Cheap parameters for most tests (the defaults cost ~100 ms a hash).
const FAST = { ln: 10, r: 8, p: 1 } as const
const fast = createPasswordHasher(FAST)

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return MegaError.is(err) ? err.code : 'not a MegaError'
  }
  return undefined
}

describe('password hashing', () => {
  it('hashes with the defaults in a PHC string that names its parameters, and verifies', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/)
    expect(DEFAULT_PASSWORD_HASH_PARAMS).toEqual({ ln: 15, r: 8, p: 3 })
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
    expect(needsRehash(stored)).toBe(false)
  })

  it('salts each hash: one password gives different hashes, each verifies', async () => {
    const hashes = await Promise.all([1, 2, 3].map(() => fast.hash('same password')))
    expect(new Set(hashes).size).toBe(3)
    for (const h of hashes) expect(await fast.verify('same password', h)).toBe(true)
  })

  it('normalises the password (NFKC): a composed and a decomposed é verify alike', async () => {
    const stored = await fast.hash('caf\u00e9 au lait')
    expect(await fast.verify('cafe\u0301 au lait', stored)).toBe(true)
  })

  it('verifies a hash made with other parameters (they are read from the hash)', async () => {
    const old = await createPasswordHasher({ ln: 11, r: 4, p: 2, keyBytes: 32 }).hash('old one')
    expect(fast.inspect(old)).toEqual({
      algorithm: 'scrypt',
      ln: 11,
      r: 4,
      p: 2,
      saltBytes: 16,
      keyBytes: 32,
    })
    expect(await fast.verify('old one', old)).toBe(true)
    expect(await fast.verify('old two', old)).toBe(false)
  })

  it('needsRehash: true for other parameters and malformed hashes, false for its own', async () => {
    const stored = await fast.hash('pw')
    expect(fast.needsRehash(stored)).toBe(false)
    expect(createPasswordHasher({ ...FAST, ln: 11 }).needsRehash(stored)).toBe(true)
    expect(createPasswordHasher({ ...FAST, p: 2 }).needsRehash(stored)).toBe(true)
    expect(createPasswordHasher({ ...FAST, keyBytes: 32 }).needsRehash(stored)).toBe(true)
    expect(needsRehash(stored, FAST)).toBe(false)
    expect(needsRehash(stored)).toBe(true) // the defaults are ln=15, r=8, p=3
    expect(fast.needsRehash('plain-text')).toBe(true)
  })

  it('never throws on a malformed or missing stored hash: false, and inspect says why', async () => {
    const good = await fast.hash('right')
    const malformed = [
      'plain-text',
      '',
      good.replace(/\$[^$]+$/, '$AAAA'), // a key too short
      good.replace('ln=10', 'ln=40'), // a cost outside the bounds (a corrupt row)
      good.replace('$scrypt$', '$argon2id$'),
      'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5', // the example's old format: not PHC
      `${good}$extra`,
    ]
    for (const stored of malformed) {
      expect(await fast.verify('right', stored)).toBe(false)
      expect(fast.inspect(stored)).toBeUndefined()
    }
    expect(await fast.verify('right', undefined)).toBe(false)
    expect(await fast.verify('right', null)).toBe(false)
    // A non-string or too long password from a careless caller: false, not a throw.
    expect(await fast.verify(42 as unknown as string, good)).toBe(false)
    expect(await fast.verify('x'.repeat(2000), good)).toBe(false)
  })

  it('verifyDummy runs a full check against a dummy hash and resolves false', async () => {
    expect(await fast.verifyDummy('anything')).toBe(false)
    expect(await fast.verifyDummy('')).toBe(false)
  })

  it('refuses a password it cannot hash with MEGA_PASSWORD_INVALID', async () => {
    const small = createPasswordHasher({ ...FAST, maxPasswordLength: 16 })
    for (const bad of ['x'.repeat(17), 42 as unknown as string]) {
      const err = await small.hash(bad).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(MegaError.is(err, 'MEGA_PASSWORD_INVALID')).toBe(true)
    }
    expect(await small.verify('x'.repeat(16), await small.hash('x'.repeat(16)))).toBe(true)
  })

  it('validates options: each bad one is MEGA_CONFIG_INVALID, naming the field', () => {
    const cases: Record<string, unknown> = {
      ln: { ln: 9 },
      r: { r: 0 },
      p: { p: 17 },
      saltBytes: { saltBytes: 8 },
      keyBytes: { keyBytes: 16 },
      memory: { ln: 22, r: 32 },
      unknown: { N: 16384 },
      type: { ln: '15' },
    }
    for (const [name, options] of Object.entries(cases)) {
      expect(
        codeOf(() => createPasswordHasher(options as never)),
        name,
      ).toBe('MEGA_CONFIG_INVALID')
    }
    try {
      createPasswordHasher({ ln: 22, r: 32 })
    } catch (err) {
      expect((err as MegaError).message).toMatch(/1 GiB/)
    }
  })
})
