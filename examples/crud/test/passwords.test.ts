import { randomBytes, scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createPasswordHasher } from '@mega/core'
import { passwords, storedHash } from '../apps/main/lib/passwords.js'
import { bootApp, signUp } from './helpers/crud-app.js'

/** A hash in the format this app wrote before it used @mega/core's hasher. */
function legacyHash(password: string, N = 1024, r = 8, p = 1): string {
  const salt = randomBytes(16)
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N, r, p, maxmem: 256 * N * r })
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** The stored hash of a user, read from the database. */
async function hashOf(app: Awaited<ReturnType<typeof bootApp>>, email: string): Promise<string> {
  const services = app.runtime.server.apps[0]!.scope.services
  const user = await services.user.findByEmail(email)
  return user!.password_hash
}

describe('passwords (the app on @mega/core hashing)', () => {
  it('stores new hashes as PHC scrypt strings', async () => {
    const stored = await passwords.hash('correct horse battery')
    expect(stored).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$/) // the cheap test cost (NODE_ENV=test)
    expect(await passwords.verify('correct horse battery', stored)).toBe(true)
  })

  it('reads the old scrypt$N$r$p$salt$key hashes losslessly', async () => {
    const old = legacyHash('old password', 2048, 4, 2)
    const converted = storedHash(old)
    expect(converted).toMatch(/^\$scrypt\$ln=11,r=4,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/)
    expect(await passwords.verify('old password', converted)).toBe(true)
    expect(await passwords.verify('other password', converted)).toBe(false)
    expect(passwords.needsRehash(converted)).toBe(true)
    expect(storedHash('scrypt$1000$8$1$abc$def')).toBe('scrypt$1000$8$1$abc$def') // N not a power of 2
    expect(storedHash('plain')).toBe('plain')
  })

  it('rehashes at login: an old-format hash and a hash of another cost become the current one', async () => {
    const app = await bootApp()
    const services = app.runtime.server.apps[0]!.scope.services
    const cases = {
      'legacy@example.test': legacyHash('legacy password!'),
      'costly@example.test': await createPasswordHasher({ ln: 11, r: 8, p: 2 }).hash(
        'legacy password!',
      ),
    }
    for (const [email, passwordHash] of Object.entries(cases)) {
      await services.user.create({ email, name: 'Old', passwordHash })
      const login = (password: string) =>
        app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
      expect((await login('wrong password!')).statusCode).toBe(401)
      expect(await hashOf(app, email)).toBe(passwordHash) // a failure rewrites nothing
      const ok = await login('legacy password!')
      expect(ok.statusCode, ok.body).toBe(200)
      const rehashed = await hashOf(app, email)
      expect(rehashed).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$/)
      expect(passwords.needsRehash(rehashed)).toBe(false)
      expect((await login('legacy password!')).statusCode).toBe(200)
      expect(await hashOf(app, email)).toBe(rehashed) // current: not rewritten again
    }
  })

  it('does not rehash a current hash at login', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    const before = await hashOf(app, user.email)
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: 'the right one' },
    })
    expect(res.statusCode).toBe(200)
    expect(await hashOf(app, user.email)).toBe(before)
  })
})
