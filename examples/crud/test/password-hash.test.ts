import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../apps/main/lib/password-hash.js'

// Small cost parameters keep these fast; the format and the checks are the same as with the defaults.
const FAST = { N: 1024, r: 8, p: 1 }

describe('password hashing', () => {
  it('writes a self-describing scrypt string with the default parameters', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
  })

  it('uses a new random salt for every hash', async () => {
    const hashes = await Promise.all([1, 2, 3].map(() => hashPassword('same password', FAST)))
    const salts = hashes.map((h) => h.split('$')[4])
    expect(new Set(salts).size).toBe(3)
    expect(new Set(hashes).size).toBe(3)
    for (const h of hashes) expect(await verifyPassword('same password', h)).toBe(true)
  })

  it('refuses a wrong password and malformed or tampered hashes', async () => {
    const stored = await hashPassword('right password', FAST)
    expect(await verifyPassword('wrong password', stored)).toBe(false)
    expect(await verifyPassword('right password', 'plain-text')).toBe(false)
    expect(await verifyPassword('right password', stored.replace(/\$[^$]+$/, '$AAAA'))).toBe(false)
  })

  it('verifies with the parameters stored in the hash, not the current defaults', async () => {
    const stored = await hashPassword('old hash', { N: 2048, r: 4, p: 2 })
    expect(stored.startsWith('scrypt$2048$4$2$')).toBe(true)
    expect(await verifyPassword('old hash', stored)).toBe(true)
  })
})
