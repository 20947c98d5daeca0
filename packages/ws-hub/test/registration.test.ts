import { describe, expect, it } from 'vitest'
import { HUB_CLOSE_CODES } from '@mega/ws/hub-protocol'
import { TOKEN_A, TOKEN_B, TestBridge, registeredBridge, startHub } from './helpers/hub-harness.js'

describe('MegaWsHub registration', () => {
  it('answers a legacy bridge (no version) without a protocolVersion field', async () => {
    const { hub, wsUrl } = await startHub({ heartbeatMs: 5000, hubId: 'hub-1' })
    const { ok } = await registeredBridge(wsUrl, 'b1')
    expect(ok).toEqual({ hubId: 'hub-1', acceptedAt: expect.any(Number), heartbeatMs: 5000 })
    expect('protocolVersion' in ok).toBe(false)
    expect(hub.bridges().map((b) => [b.instanceId, b.protocolVersion])).toEqual([['b1', 1]])
  })

  it('echoes the negotiated version to a bridge that sent one (a higher one gets the hub max)', async () => {
    const { wsUrl } = await startHub()
    const { ok } = await registeredBridge(wsUrl, 'b1', { protocolVersion: 7 })
    expect(ok.protocolVersion).toBe(1)
    const { ok: v1 } = await registeredBridge(wsUrl, 'b2', { protocolVersion: 1 })
    expect(v1.protocolVersion).toBe(1)
  })

  it('refuses a bad token with an error frame and 4401', async () => {
    const { hub, wsUrl } = await startHub()
    const bridge = new TestBridge(wsUrl)
    await bridge.opened
    bridge.send('register', { instanceId: 'b1', token: 'wrong-token-0123456789', capabilities: [] })
    expect(await bridge.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_AUTH_FAILED' })
    expect((await bridge.closed).code).toBe(HUB_CLOSE_CODES.AUTH_FAILED)
    expect(hub.bridges()).toEqual([])
  })

  it('accepts every configured token (rotation)', async () => {
    const { hub, wsUrl } = await startHub({ tokens: [TOKEN_A, TOKEN_B] })
    await registeredBridge(wsUrl, 'old', { token: TOKEN_A })
    await registeredBridge(wsUrl, 'new', { token: TOKEN_B })
    expect(hub.bridges().map((b) => b.instanceId)).toEqual(['old', 'new'])
  })

  it('closes 4400 when the first frame has an unknown field, naming it', async () => {
    const { wsUrl } = await startHub()
    const bridge = new TestBridge(wsUrl)
    await bridge.opened
    bridge.sendRaw({
      type: 'register',
      data: { instanceId: 'b1', token: TOKEN_A, capabilities: [], colour: 'red' },
    })
    const error = await bridge.next('error')
    expect(error.code).toBe('MEGA_WS_HUB_INVALID_PAYLOAD')
    expect(error.message).toContain('colour')
    expect((await bridge.closed).code).toBe(HUB_CLOSE_CODES.PROTOCOL_ERROR)
  })

  it('closes 4400 when the first frame is not a register', async () => {
    const { wsUrl } = await startHub()
    const bridge = new TestBridge(wsUrl)
    await bridge.opened
    bridge.send('heartbeat', { at: 1 })
    expect(await bridge.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_NOT_REGISTERED' })
    expect((await bridge.closed).code).toBe(HUB_CLOSE_CODES.PROTOCOL_ERROR)
  })

  it('closes 4408 when no register comes within the window', async () => {
    const { wsUrl } = await startHub({ registerTimeoutMs: 50 })
    const bridge = new TestBridge(wsUrl)
    await bridge.opened
    expect(await bridge.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_REGISTER_TIMEOUT' })
    expect((await bridge.closed).code).toBe(HUB_CLOSE_CODES.HEARTBEAT_TIMEOUT)
  })

  it('replaces a bridge registering again with the same instanceId (the old one gets 4409)', async () => {
    const { hub, wsUrl } = await startHub()
    const { bridge: first } = await registeredBridge(wsUrl, 'b1')
    first.send('interest', { addNs: ['room'] })
    const { bridge: second } = await registeredBridge(wsUrl, 'b1')
    expect(await first.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_DUPLICATE_INSTANCE' })
    expect((await first.closed).code).toBe(HUB_CLOSE_CODES.DUPLICATE_INSTANCE)
    expect(hub.bridges()).toHaveLength(1)
    expect(hub.bridges()[0]?.interest).toEqual({ namespaces: 0, users: 0 })
    expect(second.socket.readyState).toBe(second.socket.OPEN)
  })

  it('closes 4408 and forgets a bridge silent for three heartbeats, keeps one that talks', async () => {
    const { hub, wsUrl } = await startHub({ heartbeatMs: 100 })
    const { bridge: silent } = await registeredBridge(wsUrl, 'silent')
    const { bridge: alive } = await registeredBridge(wsUrl, 'alive')
    alive.socket.on('message', () => alive.send('heartbeat', { at: Date.now() }))
    silent.send('presence', {
      members: { room: [{ sessionId: 's', userId: 'u', metadata: {}, connId: 'c' }] },
    })
    const { code } = await silent.closed
    expect(code).toBe(HUB_CLOSE_CODES.HEARTBEAT_TIMEOUT)
    expect(hub.bridges().map((b) => b.instanceId)).toEqual(['alive'])
    expect(hub.members()).toEqual([])
    expect(await alive.next('heartbeat')).toEqual({ at: expect.any(Number) })
  })
})
