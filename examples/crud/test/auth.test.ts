import { describe, expect, it } from 'vitest'
import { createCrud } from '@mega/db'
import { AccessToken } from '../apps/main/models/access-token-model.js'
import { bootApp, dbOf, signUp } from './helpers/crud-app.js'

describe('auth', () => {
  it('registers, logs in, answers /auth/me and revokes the token on logout', async () => {
    const app = await bootApp()
    const registered = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'Ada@Example.test', password: 'correct horse battery', name: 'Ada' },
    })
    expect(registered.statusCode).toBe(201)
    expect(registered.json().data).toMatchObject({
      email: 'ada@example.test',
      name: 'Ada',
      level: { code: 'basic' },
      type: { code: 'member' },
    })
    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.test', password: 'correct horse battery' },
    })
    expect(login.statusCode).toBe(200)
    const { token, expires_at: expiresAt } = login.json<{
      data: { token: string; expires_at: string }
    }>().data
    expect(token).toMatch(/^mat_\d+\.[A-Za-z0-9_-]{43}$/) // core's access token: shown once
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now())
    const auth = { authorization: `Bearer ${token}` }

    const me = await app.inject({ url: '/auth/me', headers: auth })
    expect(me.statusCode).toBe(200)
    expect(me.json().data.email).toBe('ada@example.test')

    const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: auth })
    expect(logout.json()).toMatchObject({ ok: true, data: { revoked: true } })
    const after = await app.inject({ url: '/auth/me', headers: auth })
    expect(after.statusCode).toBe(401)
    expect(after.json().error.code).toBe('MEGA_AUTH_TOKEN_INVALID')
  })

  it('stops guessing: after 10 failed logins on one account in 15 minutes, the 11th is a 429', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    const login = (password: string) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password } })
    // Successful logins use up nothing: the owner is never locked out by signing in.
    for (let i = 1; i <= 12; i++) expect((await login('the right one')).statusCode).toBe(200)
    for (let i = 1; i <= 10; i++) expect((await login('a guess')).statusCode).toBe(401)
    const blocked = await login('the right one') // even the right password, until the window ends
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().error.code).toBe('MEGA_LOCKED_OUT')
    expect(blocked.headers['retry-after']).toBe('900') // 15 minutes
    const other = await signUp(app) // another account is not affected
    expect(other.token).not.toBe('')
  })

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: 'not the right one' },
    })
    const unknown = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'nobody@example.test', password: 'the right one' },
    })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: 'x' })
    expect(strip(wrong.json())).toEqual(strip(unknown.json()))
    expect(wrong.json().error.code).toBe('CRUD_INVALID_CREDENTIALS')
  })

  it('refuses a second account for the same email with a coded 409', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const again = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: user.email.toUpperCase(), password: 'another password', name: 'Twin' },
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('CRUD_EMAIL_TAKEN')
  })

  it('stores a salted scrypt hash and never sends it back', async () => {
    const app = await bootApp()
    const a = await signUp(app, { password: 'same password' })
    const b = await signUp(app, { password: 'same password' })
    const rows = await dbOf(app)
      .kysely<{ users: { id: number; password_hash: string } }>()
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .orderBy('id')
      .execute()
    expect(rows.map((r) => r.id)).toEqual([a.id, b.id])
    for (const row of rows)
      expect(row.password_hash).toMatch(
        /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
      )
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash)

    const bodies = await Promise.all([
      app.inject({ url: '/auth/me', headers: a.auth }),
      app.inject({ url: '/users', headers: a.auth }),
      app.inject({ url: `/users/${b.id}`, headers: a.auth }),
      app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: a.email, password: 'same password' },
      }),
    ])
    for (const res of bodies) {
      expect(res.statusCode).toBe(200)
      expect(res.body).not.toContain('scrypt$')
      expect(res.body).not.toContain('password')
    }
  })

  it('asks for a token before looking at the input: 401, not 422', async () => {
    const app = await bootApp()
    const none = await app.inject({ method: 'POST', url: '/boards', payload: { title: '' } })
    expect(none.statusCode).toBe(401)
    expect(none.json().error.code).toBe('MEGA_AUTH_REQUIRED')
    const bogus = await app.inject({
      url: '/auth/me',
      headers: { authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    })
    expect(bogus.json().error.code).toBe('MEGA_AUTH_TOKEN_INVALID')
    const basic = await app.inject({ url: '/auth/me', headers: { authorization: 'Basic YTpi' } })
    expect(basic.json().error.code).toBe('MEGA_AUTH_REQUIRED')
  })

  it('stores only the hash of a token, refuses it once expired and forgets it', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const tokens = dbOf(app).kysely<{
      access_tokens: { id: number; user_id: number; token_hash: string; expires_at: Date }
    }>()
    const [row] = await tokens.selectFrom('access_tokens').selectAll().execute()
    expect(row).toMatchObject({
      user_id: user.id,
      token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(user.token).not.toContain(row!.token_hash)
    await createCrud(AccessToken, dbOf(app)).update(row!.id, {
      expires_at: new Date(Date.now() - 1000),
    })
    const res = await app.inject({ url: '/auth/me', headers: user.auth })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('MEGA_AUTH_TOKEN_INVALID')
    expect(await tokens.selectFrom('access_tokens').select('id').execute()).toEqual([])
  })

  it('answers bad input with 422 and the fields at fault', async () => {
    const app = await bootApp()
    const res = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'not-an-email', password: 'short', name: '' },
    })
    expect(res.statusCode).toBe(422)
    const error = res.json().error
    expect(error.code).toBe('MEGA_VALIDATION_FAILED')
    const paths = (error.details as { path: string }[]).map((d) => d.path).sort()
    expect(paths).toEqual(['body.email', 'body.name', 'body.password'])
  })
})
