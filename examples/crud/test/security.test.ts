import { describe, expect, it } from 'vitest'
import { Browser } from './helpers/browser.js'
import { bootApp, signUp } from './helpers/crud-app.js'
import { parseRaw, rawRequest } from './helpers/http-client.js'

// What the README's "Security tests" table lists for this app and no other file covers: session
// fixation through the sign-in form, path traversal on the static folders over a real socket, and
// the security headers on each kind of answer.

const PASSWORD = 'correct horse battery'

describe('session fixation', () => {
  it('a session id planted before sign-in is replaced at sign-in and signs nobody in after it', async () => {
    const app = await bootApp()
    const mallory = await signUp(app, { name: 'Mallory', password: PASSWORD })
    const victim = await signUp(app, { name: 'Victim', password: PASSWORD })

    // The attacker holds a valid session (their own sign-in) and plants its cookie in the victim's browser.
    const attacker = new Browser(app)
    await attacker.get('/web/login')
    await attacker.post('/web/login', { email: mallory.email, password: PASSWORD })
    const planted = attacker.cookies['mega.sid']!
    expect(planted).toBeDefined()

    const browser = new Browser(app)
    browser.cookies['mega.sid'] = planted
    await browser.get('/web/login')
    const signedIn = await browser.post('/web/login', { email: victim.email, password: PASSWORD })
    expect(signedIn.statusCode).toBe(303)
    expect(browser.cookies['mega.sid']).toBeDefined()
    expect(browser.cookies['mega.sid']).not.toBe(planted) // a new id at sign-in
    const mine = await browser.get('/web/users')
    expect(mine.body).toContain(`Signed in as ${victim.email}`)

    // The planted id is dead: it is neither the victim's session nor the attacker's any more.
    const replay = await app.inject({ url: '/web/users', cookies: { 'mega.sid': planted } })
    expect([replay.statusCode, replay.headers.location]).toEqual([303, '/web/login'])
  })
})

describe('static files', () => {
  /** GETs `path` as raw bytes (no client normalises it) and parses the answer. */
  async function rawGet(base: string, path: string) {
    return parseRaw(
      await rawRequest(base, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    )
  }

  it('never serves a file outside the folder: ../, encoded, double-encoded, backslash', async () => {
    const app = await bootApp()
    const base = await app.url()
    // The control: the raw client does fetch a file that is in the folder.
    const css = await rawGet(base, '/assets/site.css')
    expect(css.status).toBe(200)
    expect(css.body).toContain('.field-error')

    // apps/main/public is served at /assets; its parent holds the views, the app's code and config.
    for (const path of [
      '/assets/../views/layout.ejs',
      '/assets/..%2fviews%2flayout.ejs',
      '/assets/%2e%2e/views/layout.ejs',
      '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fmega.config.ts',
      '/assets/%252e%252e%252fviews%252flayout.ejs',
      '/assets/..%255cviews%255clayout.ejs',
      '/assets/..%5cviews%5clayout.ejs',
      '/assets/..\\views\\layout.ejs',
      '/assets/%2e%2e%5c%2e%2e%5c%2e%2e%5cmega.config.ts',
      '/vendor/ws-client/..%2f..%2fpackage.json',
      '/vendor/ws-client/%2e%2e/%2e%2e/package.json',
    ]) {
      const res = await rawGet(base, path)
      expect([400, 403, 404], path).toContain(res.status)
      expect(res.body, path).not.toMatch(/<%=|DEV_SESSION_SECRET|"name": "@mega\/ws-client"/)
      expect(res.headers['content-type'], path).toMatch(/^application\/json/) // the envelope
    }
  })
})

describe('security headers', () => {
  it('sends CSP, nosniff, frame options, Referrer-Policy and HSTS on pages, JSON, errors and files', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const browser = new Browser(app)
    await browser.get('/web/login')
    await browser.post('/web/login', { email: user.email, password: PASSWORD })
    const answers = {
      'a page': await browser.get('/web/users'),
      'a form': await app.inject('/web/login'),
      'the JSON API': await app.inject({ url: '/auth/me', headers: user.auth }),
      'a 401': await app.inject('/boards'),
      'a 404': await app.inject('/no/such/route'),
      'a static file': await app.inject('/assets/site.css'),
    }
    for (const [what, res] of Object.entries(answers)) {
      const csp = String(res.headers['content-security-policy'])
      expect(csp, what).toContain("default-src 'self'")
      expect(csp, what).toContain("frame-ancestors 'self'")
      expect(csp, what).toContain("object-src 'none'")
      expect(csp, what).toMatch(/script-src 'self'(;|$)/) // no inline or eval'd script
      expect(res.headers['x-content-type-options'], what).toBe('nosniff')
      expect(res.headers['x-frame-options'], what).toBe('SAMEORIGIN')
      expect(res.headers['referrer-policy'], what).toBe('no-referrer')
      // Sent on every answer: browsers honour it only over HTTPS, so it is harmless on plain HTTP.
      expect(res.headers['strict-transport-security'], what).toMatch(/max-age=[1-9]\d{6,}/)
    }
    // Answers that involve a session or a token are never kept by a shared cache.
    expect(answers['a page'].headers['cache-control']).toBe('no-store')
    expect(answers['the JSON API'].headers['cache-control']).toBe('no-store')
    expect(answers['a static file'].headers['cache-control']).toMatch(/^public/)
  })
})
