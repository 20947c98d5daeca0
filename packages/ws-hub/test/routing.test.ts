import { describe, expect, it } from 'vitest'
import { HUB_CLOSE_CODES } from '@mega/ws/hub-protocol'
import { registeredBridge, settled, startHub } from './helpers/hub-harness.js'

const member = (sessionId: string, userId: string, connId = `c-${sessionId}`) => ({
  sessionId,
  userId,
  metadata: { name: userId },
  connId,
})

describe('MegaWsHub routing', () => {
  it('delivers a broadcast to the other bridges interested in the namespace only, never back', async () => {
    const { wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const { bridge: c } = await registeredBridge(wsUrl, 'c')
    a.send('interest', { addNs: ['room'] })
    b.send('interest', { addNs: ['room', 'lobby'] })
    c.send('interest', { addNs: ['lobby'] })
    await Promise.all([settled(a), settled(b), settled(c)])
    a.send('publish', { ns: 'room', type: 'chat.message', data: { text: 'hi' }, except: 'conn-1' })
    expect(await b.next('deliver')).toEqual({
      origin: 'a',
      ns: 'room',
      type: 'chat.message',
      data: { text: 'hi' },
      except: 'conn-1',
    })
    await Promise.all([settled(a), settled(c)])
    expect(a.has('deliver')).toBe(false)
    expect(c.has('deliver')).toBe(false)
  })

  it('routes a message to a user to the bridges holding that user', async () => {
    const { wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const { bridge: c } = await registeredBridge(wsUrl, 'c')
    b.send('interest', { addNs: ['room'], addUsers: ['ada'] })
    c.send('interest', { addNs: ['room'], addUsers: ['bob'] })
    await Promise.all([settled(b), settled(c)])
    a.send('publish', { ns: 'room', userId: 'ada', type: 'dm', data: 1 })
    expect(await b.next('deliver')).toMatchObject({ origin: 'a', userId: 'ada', type: 'dm' })
    await settled(c)
    expect(c.has('deliver')).toBe(false)
  })

  it('applies interest reset, add and remove', async () => {
    const { hub, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    b.send('interest', { addNs: ['x', 'y'], addUsers: ['u1', 'u2'] })
    b.send('interest', { removeNs: ['x'], removeUsers: ['u1'] })
    await settled(b)
    expect(hub.bridges()[1]?.interest).toEqual({ namespaces: 1, users: 1 })
    b.send('interest', { reset: true, addNs: ['z'] })
    await settled(b)
    expect(hub.bridges()[1]?.interest).toEqual({ namespaces: 1, users: 0 })
    a.send('publish', { ns: 'y', type: 't' })
    a.send('publish', { ns: 'z', type: 't' })
    expect(await b.next('deliver')).toMatchObject({ ns: 'z' })
  })

  it('aggregates presence: a query gets the other bridges members of the namespace, one per session', async () => {
    const { hub, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const { bridge: c } = await registeredBridge(wsUrl, 'c')
    a.send('presence', { members: { room: [member('s-a', 'ann')] } })
    b.send('presence', { members: { room: [member('s-b', 'bob')], lobby: [member('s-l', 'lee')] } })
    c.send('presence', {
      members: { room: [member('s-b', 'bob', 'other-conn'), member('s-c', 'cat')] },
    })
    await Promise.all([settled(a), settled(b), settled(c)])
    a.send('presence_query', { requestId: 'q1', ns: 'room' })
    const result = await a.next('presence_result')
    expect(result.requestId).toBe('q1')
    expect(result.members.map((m) => m.sessionId).sort()).toEqual(['s-b', 's-c'])
    // a new snapshot replaces the old one
    b.send('presence', { members: {} })
    await settled(b)
    expect(hub.members({ ns: 'room' }).map((m) => m.instanceId)).toEqual(['a', 'c', 'c'])
    expect(hub.members({ userId: 'cat' })).toEqual([
      { instanceId: 'c', ns: 'room', ...member('s-c', 'cat') },
    ])
  })

  it('forwards a kick from one bridge to every other bridge', async () => {
    const { wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    const { bridge: c } = await registeredBridge(wsUrl, 'c')
    a.send('kick', { target: { userId: 'mallory' }, reason: 'banned' })
    const expected = { target: { userId: 'mallory' }, reason: 'banned' }
    expect(await b.next('kick')).toEqual(expected)
    expect(await c.next('kick')).toEqual(expected)
    await settled(a)
    expect(a.has('kick')).toBe(false)
  })

  it('answers an invalid frame with an error and keeps the socket; closes 4400 after ten in a row', async () => {
    const { hub, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    a.sendRaw({ type: 'publish', data: { ns: 'room', type: 't', extra: 1 } })
    expect(await a.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_INVALID_PAYLOAD' })
    a.send('deliver', { origin: 'x', ns: 'room', type: 't' })
    expect(await a.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_WRONG_DIRECTION' })
    a.send('register', { instanceId: 'a', token: 'x', capabilities: [] })
    expect(await a.next('error')).toMatchObject({ code: 'MEGA_WS_HUB_ALREADY_REGISTERED' })
    await settled(a)
    expect(hub.bridges()).toHaveLength(1)
    for (let i = 0; i < 10; i++) a.sendRaw('not json')
    expect((await a.closed).code).toBe(HUB_CLOSE_CODES.PROTOCOL_ERROR)
    expect(hub.bridges()).toEqual([])
  })

  it('drops a bridge’s interest and presence when it leaves', async () => {
    const { hub, wsUrl } = await startHub()
    const { bridge: a } = await registeredBridge(wsUrl, 'a')
    const { bridge: b } = await registeredBridge(wsUrl, 'b')
    b.send('interest', { addNs: ['room'] })
    b.send('presence', { members: { room: [member('s-b', 'bob')] } })
    await settled(b)
    b.socket.close(1000)
    await b.closed
    await settled(a)
    a.send('presence_query', { requestId: 'q', ns: 'room' })
    expect((await a.next('presence_result')).members).toEqual([])
    expect(hub.bridges().map((x) => x.instanceId)).toEqual(['a'])
  })
})
