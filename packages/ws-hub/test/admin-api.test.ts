import { describe, expect, it } from 'vitest'
import { HUB_CLOSE_CODES } from '@mega/ws/hub-protocol'
import { ADMIN, TestBridge, registeredBridge, settled, startHub } from './helpers/hub-harness.js'

const auth = { authorization: `Bearer ${ADMIN}` }

async function call(url: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, init)
  const body = (await response.json()) as {
    data: Record<string, unknown>
    error: { code: string; message: string }
  }
  return { status: response.status, body }
}

const post = (body: unknown, headers: Record<string, string> = auth): RequestInit => ({
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('MegaWsHub admin API', () => {
  it('refuses a call without the admin token with 401 and a coded error', async () => {
    const { url } = await startHub()
    const none = await fetch(`${url}/admin/bridges`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe(
      'MEGA_WS_HUB_ADMIN_UNAUTHORIZED',
    )
    const wrong = await call(
      url,
      '/admin/disconnect',
      post(
        { target: { userId: 'u' } },
        {
          authorization: 'Bearer not-the-admin-token',
        },
      ),
    )
    expect(wrong.status).toBe(401)
  })

  it('is off (404) when no admin token is configured', async () => {
    const { url } = await startHub({ adminToken: undefined })
    expect((await fetch(`${url}/admin/bridges`, { headers: auth })).status).toBe(404)
  })

  it('lists bridges with their interest and member counts, and the members', async () => {
    const { url, wsUrl } = await startHub()
    const { bridge } = await registeredBridge(wsUrl, 'b1', {
      protocolVersion: 1,
      capabilities: ['presence'],
    })
    bridge.send('interest', { addNs: ['room', 'lobby'], addUsers: ['ada'] })
    bridge.send('presence', {
      members: { room: [{ sessionId: 's1', userId: 'ada', metadata: {}, connId: 'c1' }] },
    })
    await settled(bridge)
    const list = await call(url, '/admin/bridges', { headers: auth })
    expect(list.status).toBe(200)
    expect(list.body.data.bridges).toEqual([
      {
        instanceId: 'b1',
        protocolVersion: 1,
        capabilities: ['presence'],
        connectedAt: expect.any(Number),
        lastSeen: expect.any(Number),
        remoteAddress: expect.any(String),
        interest: { namespaces: 2, users: 1 },
        members: 1,
      },
    ])
    const members = await call(url, '/admin/connections?ns=room', { headers: auth })
    expect(members.body.data.members).toEqual([
      { instanceId: 'b1', ns: 'room', sessionId: 's1', userId: 'ada', metadata: {}, connId: 'c1' },
    ])
  })

  it('disconnects with requeue by sending kick to every bridge', async () => {
    const { url, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const answer = await call(
      url,
      '/admin/disconnect',
      post({ target: { userId: 'ada' }, requeue: true, reason: 'moving' }),
    )
    expect(answer).toMatchObject({ status: 200, body: { data: { bridges: 2 } } })
    const expected = { target: { userId: 'ada' }, requeue: true, reason: 'moving' }
    expect(await a.next('kick')).toEqual(expected)
    expect(await b.next('kick')).toEqual(expected)
    await call(url, '/admin/disconnect', post({ target: { connId: 'c9' } }))
    expect(await a.next('kick')).toEqual({ target: { connId: 'c9' } })
  })

  it('refuses a malformed disconnect body with 422', async () => {
    const { url } = await startHub()
    const answer = await call(url, '/admin/disconnect', post({ target: { everyone: true } }))
    expect(answer.status).toBe(422)
    const both = await call(
      url,
      '/admin/disconnect',
      post({ target: { userId: 'u', connId: 'c' } }),
    )
    expect(both.status).toBe(422)
    expect(JSON.stringify(both.body.error)).toContain('exactly one')
  })

  it('drains one bridge with a drain frame; 404 for an unknown bridge', async () => {
    const { url, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const answer = await call(url, '/admin/bridges/a/drain', post({ reason: 'redeploy' }))
    expect(answer.status).toBe(200)
    expect(await a.next('drain')).toEqual({ reason: 'redeploy' })
    await settled(b)
    expect(b.has('drain')).toBe(false)
    const missing = await call(url, '/admin/bridges/zz/drain', post({}))
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('MEGA_WS_HUB_BRIDGE_NOT_FOUND')
  })
})

describe('MegaWsHub endpoints and close', () => {
  it('serves /health/live, /health/ready and /metrics with the hub counters', async () => {
    const { url, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    b.send('interest', { addNs: ['room'] })
    await settled(b)
    a.send('publish', { ns: 'room', type: 't' })
    await b.next('deliver')
    const bad = new TestBridge(wsUrl)
    await bad.opened
    bad.send('register', { instanceId: 'x', token: 'not-a-valid-token-000', capabilities: [] })
    await bad.closed
    expect((await fetch(`${url}/health/live`)).status).toBe(200)
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    const text = await (await fetch(`${url}/metrics`)).text()
    expect(text).toMatch(/^mega_ws_hub_bridges(\{[^}]*\})? 2$/m)
    expect(text).toMatch(/^mega_ws_hub_frames_in_total\{[^}]*type="publish"[^}]*\} 1$/m)
    expect(text).toMatch(/^mega_ws_hub_frames_out_total\{[^}]*type="deliver"[^}]*\} 1$/m)
    expect(text).toMatch(/^mega_ws_hub_deliveries_total(\{[^}]*\})? 1$/m)
    expect(text).toMatch(/^mega_ws_hub_auth_failures_total(\{[^}]*\})? 1$/m)
  })

  it('close() drains every bridge with 4503 first, then stops HTTP', async () => {
    const { hub, url, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const unregistered = new TestBridge(wsUrl)
    await unregistered.opened
    await hub.close()
    expect((await unregistered.closed).code).toBe(HUB_CLOSE_CODES.SHUTDOWN)
    expect((await a.closed).code).toBe(HUB_CLOSE_CODES.DRAIN)
    expect((await b.closed).code).toBe(HUB_CLOSE_CODES.DRAIN)
    await expect(fetch(`${url}/health/live`)).rejects.toThrow()
    await hub.close() // idempotent
  })
})
