import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AccessTokens,
  MemoryAccessTokenStore,
  defineRoutes,
  logout,
  requireAbility,
  requireUser,
  type AccessTokenStore,
} from '../src/index.js'
import { USERS, authApp } from './helpers/auth-app.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const routes = defineRoutes((r) => {
  r.post('/tokens/:id', async (ctx) => {
    const body = (ctx.body ?? {}) as { abilities?: string[]; expiresInMs?: number }
    const user = USERS.get(Number((ctx.params as { id: string }).id))!
    const { token, record } = await ctx.auth.createToken(user, body)
    return { token, id: record.id, expiresAt: record.expiresAt.toISOString() }
  })
  r.get('/me', { before: [requireUser()] }, (ctx) => ({
    email: ctx.auth.userOrFail().email,
    via: ctx.auth.via,
    abilities: ctx.auth.token?.abilities ?? null,
  }))
  r.get('/boards', { before: [requireAbility('boards:read')] }, () => 'boards')
  r.post('/logout', async (ctx) => (await logout(ctx), 'bye'))
})

async function app() {
  const made = await authApp(routes)
  cleanups.push(made.close)
  const issue = async (id: number, body: object = {}) =>
    (await made.server.inject({ method: 'POST', url: `/tokens/${id}`, payload: body })).json()
      .data as { token: string; id: string }
  const call = (url: string, token: string, method: 'GET' | 'POST' = 'GET') =>
    made.server.inject({ method, url, headers: { authorization: `Bearer ${token}` } })
  return { ...made, issue, call }
}

describe('access tokens', () => {
  it('shows mat_<id>.<secret> once and stores only the SHA-256 of the secret', async () => {
    const { issue, tokens } = await app()
    const { token, id } = await issue(1)
    expect(token).toMatch(/^mat_1\.[A-Za-z0-9_-]{43}$/)
    const stored = (await tokens.find(id))!
    const secret = token.split('.')[1]!
    expect(stored.hash).toBe(createHash('sha256').update(secret).digest('hex'))
    expect(JSON.stringify(stored)).not.toContain(secret)
    expect(stored).toMatchObject({ principal: 1, abilities: ['*'], lastUsedAt: null })
  })

  it('authenticates a valid token and records its use', async () => {
    const { issue, call, tokens, clock } = await app()
    const { token, id } = await issue(1, { abilities: ['boards:read'] })
    const me = await call('/me', token)
    expect(me.json().data).toEqual({
      email: 'ann@example.com',
      via: 'token',
      abilities: ['boards:read'],
    })
    expect((await tokens.find(id))!.lastUsedAt).toEqual(clock.now)
  })

  it('refuses a wrong secret, an unknown id and a malformed token with 401 MEGA_AUTH_TOKEN_INVALID', async () => {
    const { issue, call } = await app()
    const { token } = await issue(1)
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    for (const bad of [flipped, token.replace('mat_1.', 'mat_99.'), 'not-a-token']) {
      const res = await call('/me', bad)
      expect([res.statusCode, res.json().error.code], bad).toEqual([401, 'MEGA_AUTH_TOKEN_INVALID'])
    }
  })

  it('refuses an expired token and deletes it', async () => {
    const { issue, call, clock, tokens } = await app()
    const { token } = await issue(2, { expiresInMs: 60_000 })
    expect((await call('/me', token)).statusCode).toBe(200)
    clock.now = new Date(clock.now.getTime() + 60_000)
    const res = await call('/me', token)
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'MEGA_AUTH_TOKEN_INVALID'])
    expect(tokens.size).toBe(0)
  })

  it('revokes the token that signed a request out (logout)', async () => {
    const { issue, call, tokens } = await app()
    const { token } = await issue(1)
    expect((await call('/logout', token, 'POST')).statusCode).toBe(200)
    expect(tokens.size).toBe(0)
    expect((await call('/me', token)).json().error.code).toBe('MEGA_AUTH_TOKEN_INVALID')
  })

  it('answers 403 MEGA_AUTH_ABILITY_MISSING to a token without the ability; * allows all', async () => {
    const { issue, call } = await app()
    const narrow = await issue(1, { abilities: ['notes:read'] })
    const res = await call('/boards', narrow.token)
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'MEGA_AUTH_ABILITY_MISSING'])
    expect((await call('/boards', (await issue(1)).token)).json().data).toBe('boards')
    expect(
      (await call('/boards', (await issue(1, { abilities: ['boards:read'] })).token)).statusCode,
    ).toBe(200)
  })

  it('refuses bad create options and a store id that cannot be part of a token', async () => {
    const tokens = new AccessTokens(new MemoryAccessTokenStore())
    await expect(tokens.create(1, { abilities: [] })).rejects.toMatchObject({
      code: 'MEGA_AUTH_OPTIONS_INVALID',
    })
    await expect(tokens.create(1, { expiresInMs: 10 })).rejects.toMatchObject({
      code: 'MEGA_AUTH_OPTIONS_INVALID',
    })
    class DottedIds extends MemoryAccessTokenStore {
      override create(): Promise<string> {
        return Promise.resolve('a.b')
      }
    }
    const bad: AccessTokenStore = new DottedIds()
    await expect(new AccessTokens(bad).create(1)).rejects.toMatchObject({
      code: 'MEGA_AUTH_OPTIONS_INVALID',
    })
  })

  it('refuses createToken without a store (MEGA_AUTH_TOKENS_NOT_CONFIGURED)', async () => {
    const made = await authApp(routes, { tokens: undefined })
    cleanups.push(made.close)
    const res = await made.server.inject({ method: 'POST', url: '/tokens/1' })
    expect(res.json().error.code).toBe('MEGA_AUTH_TOKENS_NOT_CONFIGURED')
  })
})
