import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'
import { withRollback } from '@mega/db'

const root = new URL('..', import.meta.url).pathname
const email = 'ada@example.com'
const password = 'correct horse battery'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/**
 * The app on its test database (in-memory SQLite, or `<name>_test` on a server), every migration
 * applied; what a test writes is rolled back when it ends, so the tests run again and again.
 */
async function migratedApp(): Promise<TestApp> {
  return withRollback(await createTestApp({ root }), { root })
}

/** A browser's cookies, as one `cookie` header: kept from every `set-cookie` it is shown. */
function cookieJar() {
  const cookies = new Map<string, string>()
  return {
    keep(setCookie: string | string[] | undefined) {
      for (const line of [setCookie ?? []].flat()) {
        const [pair = ''] = line.split(';')
        const at = pair.indexOf('=')
        cookies.set(pair.slice(0, at), pair.slice(at + 1))
      }
    },
    get header() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    },
  }
}

describe('signing up and in', () => {
  it('registers, logs in with a token, reads /me and logs out over the JSON API', async () => {
    const app = await migratedApp()
    const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, payload, headers })

    const registered = await post('/api/auth/register', { email: ' Ada@Example.com', password })
    expect(registered.statusCode).toBe(201)
    expect(registered.json().data).toMatchObject({ email })
    expect(registered.json().data).not.toHaveProperty('password_hash')
    expect((await post('/api/auth/register', { email, password })).statusCode).toBe(409)
    const weak = await post('/api/auth/register', { email: 'bo@example.com', password: 'short' })
    expect(weak.statusCode).toBe(422)

    const wrong = await post('/api/auth/login', { email, password: 'not the password' })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error.code).toBe('AUTH_INVALID_CREDENTIALS')

    const loggedIn = await post('/api/auth/login', { email, password })
    expect(loggedIn.statusCode).toBe(200)
    const bearer = { authorization: `Bearer ${loggedIn.json().data.token}` }
    const me = await app.inject({ url: '/api/auth/me', headers: bearer })
    expect(me.json().data).toMatchObject({ email })

    expect((await post('/api/auth/logout', {}, bearer)).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/auth/me', headers: bearer })).statusCode).toBe(401)
  })

  it('signs up, out and in on the pages, with a CSRF token and messages by the fields', async () => {
    const app = await migratedApp()
    const jar = cookieJar()
    const open = async (url: string) => {
      const res = await app.inject({ url, headers: { cookie: jar.header } })
      jar.keep(res.headers['set-cookie'])
      return res
    }
    // Posts a form the way a browser does: with the CSRF token of the page that shows it.
    const submit = async (url: string, form: Record<string, string>, from = url) => {
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await open(from)).body)?.[1] ?? ''
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
      })
      jar.keep(res.headers['set-cookie'])
      return res
    }

    const bad = await submit('/auth/sign-up', { email: 'not an email', password: 'short' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('at least 10 characters')

    const signedUp = await submit('/auth/sign-up', { email, password })
    expect(signedUp.statusCode).toBe(303)
    expect(signedUp.headers.location).toBe('/auth/account')
    expect((await open('/auth/account')).body).toContain(email)

    const signedOut = await submit('/auth/sign-out', {}, '/auth/account')
    expect(signedOut.statusCode).toBe(303)
    expect((await open('/auth/account')).statusCode).toBe(303) // to the sign-in page

    const refused = await submit('/auth/sign-in', { email, password: 'not the password' })
    expect(refused.statusCode).toBe(401)
    expect(refused.body).toContain('Wrong email or password.')
    const signedIn = await submit('/auth/sign-in', { email, password })
    expect(signedIn.statusCode).toBe(303)
    expect((await open('/auth/account')).body).toContain(email)
  })

  it('refuses a form post without its CSRF token', async () => {
    const app = await migratedApp()
    const res = await app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email, password }).toString(),
    })
    expect(res.statusCode).toBe(403)
  })
})
