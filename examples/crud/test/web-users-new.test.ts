import { describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { Browser } from './helpers/browser.js'
import { bootApp, signUp, signUpStaff } from './helpers/crud-app.js'

const PASSWORD = 'correct horse battery'
let counter = 0
const fresh = () => `new${++counter}-${Date.now()}@example.test`

/** A browser signed in through the sign-in form as `email`. */
async function signedIn(app: TestApp, email: string): Promise<Browser> {
  const browser = new Browser(app)
  await browser.get('/web/login')
  const res = await browser.post('/web/login', { email, password: PASSWORD })
  expect(res.statusCode, res.body).toBe(303)
  return browser
}

describe('the staff new-user page', () => {
  it('lets staff create a user with a level and type, who then signs in', async () => {
    const app = await bootApp()
    const staff = await signedIn(app, (await signUpStaff(app)).email)
    expect((await staff.get('/web/users')).body).toContain('href="/web/users/new"')
    const form = await staff.get('/web/users/new')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="_csrf"')
    expect(form.body).toContain('<option value="gold">Gold</option>')

    const email = fresh()
    const fields = { name: 'Grace', email, password: PASSWORD, level: 'gold', type: 'bot' }
    const created = await staff.post('/web/users', fields)
    expect([created.statusCode, created.headers.location]).toEqual([303, '/web/users'])
    const list = await staff.get('/web/users')
    expect(list.body).toContain('Created Grace.')
    expect(list.body).toMatch(/<td>Grace<\/td>[\s\S]*?<td>Gold<\/td>\s*<td>Bot<\/td>/)
    expect((await signedIn(app, email).then((b) => b.get('/web/users'))).statusCode).toBe(200)

    const again = await staff.post('/web/users', fields)
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('already has an account')
  })

  it('shows the form again with a message by each wrong field, keeping what was typed', async () => {
    const app = await bootApp()
    const staff = await signedIn(app, (await signUpStaff(app)).email)
    await staff.get('/web/users/new')
    const bad = await staff.post('/web/users', {
      name: 'Grace',
      email: 'not an email',
      password: 'short',
      level: 'basic',
      type: 'member',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('use at least 10 characters')
    expect(bad.body).toContain('value="Grace"')
    expect(bad.body).not.toContain('short')
    const unknown = await staff.post('/web/users', {
      name: 'Grace',
      email: fresh(),
      password: PASSWORD,
      level: 'platinum',
      type: 'member',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.body).toContain('unknown level')
  })

  it('refuses members (a 403 page), visitors (to the sign-in page) and a post without a token', async () => {
    const app = await bootApp()
    const member = await signedIn(app, (await signUp(app)).email)
    expect((await member.get('/web/users')).body).not.toContain('href="/web/users/new"')
    const page = await member.get('/web/users/new')
    expect(page.statusCode).toBe(403)
    expect(page.body).toContain('Only staff users may create users')
    const fields = { name: 'X', email: fresh(), password: PASSWORD, level: 'gold', type: 'bot' }
    expect((await member.post('/web/users', fields)).statusCode).toBe(403)

    const visitor = new Browser(app)
    const away = await visitor.get('/web/users/new')
    expect([away.statusCode, away.headers.location]).toEqual([303, '/web/login'])

    const staff = await signedIn(app, (await signUpStaff(app)).email)
    expect((await staff.post('/web/users', fields, false)).statusCode).toBe(403) // no CSRF token
  })
})
