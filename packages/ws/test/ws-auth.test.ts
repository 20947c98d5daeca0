import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  AccessTokens,
  MemoryAccessTokenStore,
  auth,
  defineRoutes,
  requireRole,
  requireUser,
} from '@mega/core'
import { defineChannel } from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

const Echo = defineChannel({
  messages: { echo: z.object({ text: z.string() }) },
  handlers: { echo: ({ text }, ctx) => ({ text, user: ctx.auth }) },
})

const USERS = new Map<number, { id: number; roles: string[] }>([
  [1, { id: 1, roles: ['staff'] }],
  [2, { id: 2, roles: [] }],
])

/** A server whose ws routes are guarded by core's auth() guards, with bearer access tokens. */
async function guarded() {
  const store = new MemoryAccessTokenStore()
  const routes = defineRoutes((r) => {
    r.ws('/live', Echo, { before: [requireUser()] })
    r.ws('/staff', Echo, { before: [requireRole('staff')] })
  })
  const plugin = auth({
    resolveUser: (id) => USERS.get(Number(id)),
    session: false,
    tokens: store,
    signInPage: '/sign-in',
  })
  const { wsUrl } = await serve({ routes, plugins: [plugin] })
  const tokens = new AccessTokens(store)
  const tokenOf = async (id: number) => (await tokens.create(id)).token
  return { wsUrl, tokenOf }
}

describe('auth guards on WebSocket upgrades', () => {
  it('refuses an upgrade without a user with a plain 401 (never a redirect), and admits a token', async () => {
    const { wsUrl, tokenOf } = await guarded()
    const refused = await connect(`${wsUrl}/live`, {
      headers: { accept: 'text/html' },
    }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ status: 401 })
    expect((refused as { body: string }).body).toContain('MEGA_AUTH_REQUIRED')

    const bad = await connect(`${wsUrl}/live`, {
      headers: { authorization: 'Bearer mat_1.not-the-secret' },
    }).catch((e: unknown) => e)
    expect(bad).toMatchObject({ status: 401 })
    expect((bad as { body: string }).body).toContain('MEGA_AUTH_TOKEN_INVALID')

    const client = await connect(`${wsUrl}/live`, {
      headers: { authorization: `Bearer ${await tokenOf(2)}` },
    })
    client.send({ type: 'echo', id: 'q1', data: { text: 'hi' } })
    expect(await client.next()).toMatchObject({ data: { text: 'hi', user: { id: 2 } } })
  })

  it('refuses a user without the role with a plain 403', async () => {
    const { wsUrl, tokenOf } = await guarded()
    const refused = await connect(`${wsUrl}/staff`, {
      headers: { authorization: `Bearer ${await tokenOf(2)}` },
    }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ status: 403 })
    expect((refused as { body: string }).body).toContain('MEGA_AUTH_ROLE_MISSING')
    const staff = await connect(`${wsUrl}/staff`, {
      headers: { authorization: `Bearer ${await tokenOf(1)}` },
    })
    staff.send({ type: 'echo', id: 'q1', data: { text: 'hi' } })
    expect(await staff.next()).toMatchObject({ data: { user: { id: 1, roles: ['staff'] } } })
  })
})
