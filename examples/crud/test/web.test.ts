import { describe, expect, it, vi } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { Browser } from './helpers/browser.js'
import { bootApp, signUp } from './helpers/crud-app.js'

let counter = 0
const fresh = () => `web${++counter}-${Date.now()}@example.test`
const PASSWORD = 'correct horse battery'

/** A browser signed up (and so signed in) through the sign-up form. */
async function signedUp(app: TestApp, name = 'Ada', email = fresh()) {
  const browser = new Browser(app)
  await browser.get('/web/register')
  const res = await browser.post('/web/register', { name, email, password: PASSWORD })
  expect(res.statusCode, res.body).toBe(303)
  expect(res.headers.location).toBe('/web/users')
  return { browser, email }
}

describe('pages', () => {
  it('signs up, lands on the user list with level, type and wallet, and signs out', async () => {
    const app = await bootApp()
    const { browser, email } = await signedUp(app, 'Ada Lovelace')
    expect(browser.cookies['mega.sid']).toBeDefined()

    const list = await browser.get('/web/users')
    expect(list.statusCode).toBe(200)
    expect(list.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(list.body).toContain('Welcome, Ada Lovelace!') // the notice, once
    expect(list.body).toContain(`Signed in as ${email}`)
    expect(list.body).toMatch(
      /<td>Ada Lovelace<\/td>\s*<td>[^<]+<\/td>\s*<td>Basic<\/td>\s*<td>Member<\/td>\s*<td class="num">0\.00 USD<\/td>/,
    )
    expect((await browser.get('/web/users')).body).not.toContain('Welcome')

    const out = await browser.post('/web/logout', {})
    expect([out.statusCode, out.headers.location]).toEqual([303, '/web/login'])
    expect(browser.cookies['mega.sid']).toBeUndefined()
    const after = await browser.get('/web/users')
    expect([after.statusCode, after.headers.location]).toEqual([303, '/web/login'])
  })

  it('signs in through the form, and re-renders it with a 401 and no session for a wrong password', async () => {
    const app = await bootApp()
    const { email } = await signedUp(app)
    const browser = new Browser(app)
    const form = await browser.get('/web/login')
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(/<label for="email">Email<\/label>/)

    const wrong = await browser.post('/web/login', { email, password: 'not the password' })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(wrong.body).toContain('Wrong email or password.')
    expect(wrong.body).toContain(`value="${email}"`) // the email is kept, never the password
    expect(wrong.body).not.toContain('not the password')
    const denied = await browser.get('/web/users')
    expect([denied.statusCode, denied.headers.location]).toEqual([303, '/web/login'])

    const before = browser.cookies['mega.sid']
    const right = await browser.post('/web/login', { email, password: PASSWORD })
    expect([right.statusCode, right.headers.location]).toEqual([303, '/web/users'])
    expect(browser.cookies['mega.sid']).not.toBe(before) // a new session id at sign-in
    expect((await browser.get('/web/users')).statusCode).toBe(200)
  })

  it('re-renders a form with a message per field instead of the JSON 422', async () => {
    const app = await bootApp()
    const browser = new Browser(app)
    await browser.get('/web/register')
    const res = await browser.post('/web/register', {
      name: 'Grace',
      email: 'not-an-email',
      password: 'short',
    })
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body.match(/class="field-error"/g)).toHaveLength(2) // email and password
    expect(res.body).toContain('value="Grace"')

    const { email } = await signedUp(app)
    await browser.get('/web/register')
    const taken = await browser.post('/web/register', { name: 'B', email, password: PASSWORD })
    expect(taken.statusCode).toBe(409)
    expect(taken.body).toContain('This email already has an account')
  })

  it('refuses a form without the CSRF token of the session: 403 MEGA_CSRF_INVALID', async () => {
    const app = await bootApp()
    const { browser, email } = await signedUp(app)
    const missing = await browser.post('/web/logout', {}, false)
    expect(missing.statusCode).toBe(403)
    expect(missing.json().error.code).toBe('MEGA_CSRF_INVALID')
    const forged = await browser.post('/web/logout', { _csrf: 'x'.repeat(43) }, false)
    expect(forged.statusCode).toBe(403)
    expect((await browser.get('/web/users')).statusCode).toBe(200) // still signed in

    // A login form posted with the cookie of another session's token does not count either.
    const other = new Browser(app)
    await other.get('/web/login')
    other.csrf = browser.csrf
    const crossed = await other.post('/web/login', { email, password: PASSWORD })
    expect(crossed.statusCode).toBe(403)
  })

  it('escapes what users typed: a name with <script> is shown as text', async () => {
    const app = await bootApp()
    const name = '<script>alert("x")</script>'
    const { browser } = await signedUp(app, name)
    const list = await browser.get('/web/users')
    expect(list.body).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;')
    expect(list.body).not.toContain('<script>')
  })

  it('edits your own name; a member cannot edit another user or change a level', async () => {
    const app = await bootApp()
    const { browser } = await signedUp(app, 'Ada')
    const other = await signUp(app, { name: 'Bob' })
    const list = await browser.get('/web/users')
    const id = Number(/href="\/web\/users\/(\d+)\/edit"/.exec(list.body)?.[1])
    expect(list.body).not.toContain(`/web/users/${other.id}/edit`)

    const form = await browser.get(`/web/users/${id}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="Ada"')
    expect(form.body).not.toContain('<select') // level and type are for staff
    const empty = await browser.post(`/web/users/${id}`, { name: '  ' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('class="field-error"')
    const saved = await browser.post(`/web/users/${id}`, { name: 'Ada L.' })
    expect([saved.statusCode, saved.headers.location]).toEqual([303, '/web/users'])
    expect((await browser.get('/web/users')).body).toContain('<td>Ada L.</td>')

    const foreign = await browser.get(`/web/users/${other.id}/edit`)
    expect(foreign.statusCode).toBe(403)
    expect(foreign.headers['content-type']).toBe('text/html; charset=utf-8')
    const forbidden = await browser.post(`/web/users/${other.id}`, { name: 'Mallory' })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.body).toContain('Only the owner may change')
    const promote = await browser.post(`/web/users/${id}`, { name: 'Ada', level: 'gold' })
    expect(promote.statusCode).toBe(403)
    expect(promote.body).toContain('Only staff users may')
    // Not yours comes first: a member gets the same 403 for a user that does not exist.
    expect((await browser.get('/web/users/999999/edit')).statusCode).toBe(403)
  })

  it("lets staff change another user's level and type, and see every wallet", async () => {
    const app = await bootApp()
    const member = await signUp(app, { name: 'Bob' })
    process.env.STAFF_EMAILS = 'boss@example.test'
    const { browser } = await signedUp(app, 'Boss', 'boss@example.test').finally(() => {
      delete process.env.STAFF_EMAILS
    })
    const form = await browser.get(`/web/users/${member.id}/edit`)
    expect(form.body).toContain('<option value="gold">Gold</option>')
    expect((await browser.get('/web/users/999999/edit')).statusCode).toBe(404)
    const unknown = await browser.post(`/web/users/${member.id}`, {
      name: 'Bob',
      level: 'platinum',
      type: 'member',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.body).toContain('unknown level')
    const saved = await browser.post(`/web/users/${member.id}`, {
      name: 'Bob',
      level: 'gold',
      type: 'bot',
    })
    expect(saved.statusCode).toBe(303)
    const list = await browser.get('/web/users')
    expect(list.body).toMatch(/<td>Bob<\/td>[\s\S]*?<td>Gold<\/td>\s*<td>Bot<\/td>/)
    expect(list.body.match(/0\.00 USD/g)).toHaveLength(2)
  })

  it('counts page logins in the JSON login guard: the 11th attempt is a 429 page', async () => {
    const app = await bootApp()
    const { email } = await signedUp(app)
    const browser = new Browser(app)
    await browser.get('/web/login')
    for (let i = 1; i <= 9; i++)
      expect((await browser.post('/web/login', { email, password: 'a guess' })).statusCode).toBe(
        401,
      )
    const json = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password: 'a guess' },
    })
    expect(json.statusCode).toBe(401) // the 10th, on the JSON door
    const blocked = await browser.post('/web/login', { email, password: PASSWORD })
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect(blocked.body).toContain('Too many failed attempts')
    // The guard's page ends the request: the right password after the limit signs nobody in.
    const after = await browser.get('/web/users')
    expect([after.statusCode, after.headers.location]).toEqual([303, '/web/login'])
  })

  it('stops at the guard over a real socket: a visitor never reaches the handler', async () => {
    const app = await bootApp()
    const get = vi.spyOn(app.runtime.server.apps[0]!.scope.services.user, 'get')
    const base = await app.url()
    const form = await fetch(`${base}/web/login`) // a stored session (its CSRF token), no user
    const cookie = form.headers.get('set-cookie')!.split(';')[0]!
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
    const res = await fetch(`${base}/web/users/1`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: `_csrf=${csrf}&name=`, // an invalid form: the handler would load the user to show it
    })
    expect([res.status, res.headers.get('location')]).toEqual([303, '/web/login'])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(get).not.toHaveBeenCalled()
  })

  it('serves the style sheet at /assets', async () => {
    const app = await bootApp()
    const css = await app.inject('/assets/site.css')
    expect(css.statusCode).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
  })

  it('keeps the JSON API on bearer tokens, outside the CSRF check and the docs', async () => {
    const app = await bootApp()
    const user = await signUp(app) // POST /auth/register and /auth/login without any token
    const board = await app.inject({
      method: 'POST',
      url: '/boards',
      headers: user.auth,
      payload: { title: 'Ideas' },
    })
    expect(board.statusCode).toBe(201)
    expect(board.headers['set-cookie']).toBeUndefined() // no session for API clients
    const patched = await app.inject({
      method: 'PATCH',
      url: `/users/${user.id}`,
      headers: user.auth,
      payload: { name: 'Renamed' },
    })
    expect(patched.json()).toMatchObject({ ok: true, data: { name: 'Renamed' } })
    const doc = await app.inject('/openapi.json')
    expect(
      Object.keys(doc.json<{ paths: object }>().paths).filter((p) => p.startsWith('/web')),
    ).toEqual([])
  })
})
