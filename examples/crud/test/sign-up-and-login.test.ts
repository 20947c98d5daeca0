import { describe, expect, it } from 'vitest'
import { passwords } from '../apps/main/lib/passwords.js'
import { Browser } from './helpers/browser.js'
import { bootApp, errorPaths } from './helpers/crud-app.js'

const PASSWORD = 'correct horse battery'

describe('sign-up and login hardening', () => {
  it('normalises emails: every spelling of one address is one account and one login count', async () => {
    const app = await bootApp()
    const registered = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: ' Carol.MKJQHD@Example.test ', password: PASSWORD, name: 'Carol' },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    expect(registered.json().data.email).toBe('carol.mkjqhd@example.test')
    const twin = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'carol.mkjqhd@EXAMPLE.TEST', password: PASSWORD, name: 'Twin' },
    })
    expect(twin.statusCode).toBe(409)

    const login = (email: unknown, password: string) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
    const ok = await login(' CAROL.mkjqhd@example.TEST', PASSWORD)
    expect(ok.statusCode, ok.body).toBe(200)
    // Ten failures under other spellings count against the same account (the success did not count).
    const spellings = [
      'carOL',
      'cArol',
      'CaRol',
      'caROL',
      'CAROL',
      'carol',
      'Carol',
      'cAROL',
      'caRol',
      'CARol',
    ]
    for (const local of spellings) {
      const res = await login(`${local}.mkjqhd@example.test`, 'a guess')
      expect(res.statusCode).toBe(401)
    }
    const blocked = await login('CAROL.MKJQHD@EXAMPLE.TEST', PASSWORD)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().error.code).toBe('MEGA_LOCKED_OUT')
    // Not an email (a body is never coerced): a 422 from validation, before the limit.
    expect((await login(['Carol.mkjqhd@example.test'], PASSWORD)).statusCode).toBe(422)

    // The page shares the count, whatever the spelling.
    const browser = new Browser(app)
    await browser.get('/web/login')
    const page = await browser.post('/web/login', {
      email: 'CAROL.mkjqhd@example.test',
      password: PASSWORD,
    })
    expect(page.statusCode).toBe(429)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
  })

  it('refuses weak passwords with a 422 that says what to change (API and page)', async () => {
    const app = await bootApp()
    let n = 0
    const register = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/auth/register',
        remoteAddress: `198.51.100.${++n}`, // one client each: sign-ups are limited per address
        payload: { email: `weak${n}@example.test`, password, name: 'Weak' },
      })
    // The lengths are checked by the compiled validator ("must NOT have fewer than 10 characters"),
    // the rest by zod; the page's form shows zod's wording for all of them.
    const tooShort = /fewer than 10|at least 10/
    const weak: [string, RegExp][] = [
      [' '.repeat(8), tooShort],
      ['\u0000'.repeat(8), tooShort],
      ['12345678', tooShort],
      [' '.repeat(12), /spaces/],
      ['\t \n'.repeat(4), /spaces|control/],
      ['\u0000'.repeat(12), /control characters/],
      ['long enough\u0000but NUL', /control characters/],
      ['x'.repeat(129), /more than 128|at most 128/],
    ]
    for (const [password, message] of weak) {
      const res = await register(password)
      expect(res.statusCode, JSON.stringify(password)).toBe(422)
      expect(errorPaths(res)).toEqual(['body.password'])
      expect(res.json().error.details[0].message).toMatch(message)
    }
    for (const password of ['abcdefghij', 'x'.repeat(128), 'pässwörd mit ümläuten'])
      expect((await register(password)).statusCode, password).toBe(201)

    const browser = new Browser(app)
    await browser.get('/web/register')
    const page = await browser.post('/web/register', {
      name: 'Weak',
      email: 'weak-page@example.test',
      password: '12345678',
    })
    expect(page.statusCode).toBe(422)
    expect(page.body).toMatch(/class="field-error">[^<]*at least 10/)
  })

  it('still signs in accounts whose password predates the policy', async () => {
    const app = await bootApp()
    const services = app.runtime.server.apps[0]!.scope.services
    await services.user.create({
      email: 'old@example.test',
      name: 'Old',
      passwordHash: await passwords.hash('12345678'),
    })
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'old@example.test', password: '12345678' },
    })
    expect(res.statusCode, res.body).toBe(200)
  })

  it('limits sign-ups per client address, on the API and the page together', async () => {
    const app = await bootApp()
    const address = '203.0.113.7'
    let n = 0
    const register = (remoteAddress: string, email = `signup${++n}@example.test`) =>
      app.inject({
        method: 'POST',
        url: '/auth/register',
        remoteAddress,
        payload: { email, password: PASSWORD, name: 'Probe' },
      })
    for (let i = 1; i <= 8; i++) expect((await register(address)).statusCode).toBe(201)
    // Probing a taken email counts too: the 409 tells whether an address has an account.
    expect((await register(address, 'signup1@example.test')).statusCode).toBe(409)
    const browser = new Browser(app, address)
    await browser.get('/web/register')
    const tenth = await browser.post('/web/register', {
      name: 'Page',
      email: 'page@example.test',
      password: PASSWORD,
    })
    expect(tenth.statusCode, tenth.body).toBe(303)

    const blocked = await register(address)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().error.code).toBe('MEGA_RATE_LIMITED')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    const other = new Browser(app, address)
    await other.get('/web/register')
    const page = await other.post('/web/register', {
      name: 'Late',
      email: 'late@example.test',
      password: PASSWORD,
    })
    expect(page.statusCode).toBe(429)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('Too many requests')
    expect(page.body).toContain('value="late@example.test"')
    expect((await other.get('/web/users')).headers.location).toBe('/web/login') // not signed up

    expect((await register('198.51.100.9')).statusCode).toBe(201) // another client
  })
})
