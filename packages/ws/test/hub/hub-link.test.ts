// The link against a scripted hub (test/hub/scripted-hub.ts: a test double of our own hub, since
// the real MegaWsHub is built in parallel), with a peer that records what the link asks of it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freePort } from '@mega/test-utils'
import { HUB_PROTOCOL_VERSION, type HubPayloads } from '../../src/hub/hub-protocol.js'
import {
  MegaHubLink,
  type ClusterPeer,
  type HubLinkConfig,
  type HubLinkEventMap,
  type PresenceMember,
} from '../../src/index.js'
import { ScriptedHub } from './scripted-hub.js'

const links: MegaHubLink[] = []
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop()))
})

function recordingPeer(members: Record<string, PresenceMember[]> = {}) {
  const calls: unknown[][] = []
  const peer: ClusterPeer = {
    deliverNs: (...args) => void calls.push(['deliverNs', ...args]),
    deliverUser: (...args) => void calls.push(['deliverUser', ...args]),
    kickLocal: (...args) => (calls.push(['kickLocal', ...args]), 0),
    requeueLocal: (...args) => (calls.push(['requeueLocal', ...args]), 0),
    localMembers: () => members,
  }
  return { peer, calls }
}

type Events = { [E in keyof HubLinkEventMap]: HubLinkEventMap[E][] }

function link(url: string, config: Partial<HubLinkConfig> = {}, peer = recordingPeer().peer) {
  const made = new MegaHubLink(peer, {
    url,
    token: 'secret',
    reconnect: { minDelayMs: 20, maxDelayMs: 80 },
    ...config,
  })
  links.push(made)
  const events: Events = {
    connected: [],
    registered: [],
    disconnected: [],
    reconnecting: [],
    final: [],
    dropped: [],
  }
  for (const name of Object.keys(events) as (keyof Events)[])
    made.on(name, (info) => void (events[name] as unknown[]).push(info))
  return { link: made, events }
}

const ann: PresenceMember = { sessionId: 's1', userId: 'ann', metadata: {}, connId: 'c1' }

describe('MegaHubLink: registering', () => {
  it('registers with its id, token, capabilities and version, then sends its interest and presence', async () => {
    const hub = await ScriptedHub.start()
    const { peer } = recordingPeer({ board: [ann] })
    const { link: l, events } = link(hub.url, { instanceId: 'bridge-1' }, peer)
    l.watchNs('board')
    l.watchUser('ann')
    await l.start()
    expect(await hub.take('register')).toEqual({
      instanceId: 'bridge-1',
      token: 'secret',
      capabilities: ['deliver', 'presence', 'kick', 'drain'],
      protocolVersion: HUB_PROTOCOL_VERSION,
    })
    expect(await hub.take('interest')).toEqual({ reset: true, addNs: ['board'], addUsers: ['ann'] })
    expect(await hub.take('presence')).toEqual({ members: { board: [ann] } })
    await vi.waitFor(() => expect(l.state).toBe('registered'))
    expect(l.protocolVersion).toBe(1)
    expect(l.hubId).toBe('hub-test')
    expect(events.connected).toHaveLength(1)
    expect(events.registered).toEqual([
      { hubId: 'hub-test', protocolVersion: 1, heartbeatMs: 60_000 },
    ])
  })

  it('registers as a legacy bridge (no version) when protocolVersion is false', async () => {
    const hub = await ScriptedHub.start()
    const { link: l } = link(hub.url, { protocolVersion: false })
    await l.start()
    const register = await hub.take('register')
    expect(register).not.toHaveProperty('protocolVersion')
    await vi.waitFor(() => expect(l.state).toBe('registered'))
    expect(l.protocolVersion).toBe(1)
  })

  it('refuses a version echo above what it offered, and tries again', async () => {
    const hub = await ScriptedHub.start({ echo: 2 })
    const { link: l, events } = link(hub.url)
    await l.start()
    await hub.take('register')
    expect(await hub.last.closed).toBe(4400)
    await hub.take('register') // it came back
    expect(events.registered).toEqual([])
  })

  it('does not hold boot when the hub is down, and registers once it is up', async () => {
    const port = await freePort()
    const { link: l, events } = link(`ws://127.0.0.1:${port}`)
    await l.start() // resolves at once
    expect(['connecting', 'waiting']).toContain(l.state)
    await vi.waitFor(() => expect(events.reconnecting.length).toBeGreaterThan(0))
    const hub = await ScriptedHub.start({ port })
    await hub.take('register')
    await vi.waitFor(() => expect(l.state).toBe('registered'))
  })
})

describe('MegaHubLink: reconnecting', () => {
  it('backs off with full jitter after 1006, and re-syncs interest and presence', async () => {
    const hub = await ScriptedHub.start()
    const { peer } = recordingPeer({ board: [ann] })
    const { link: l, events } = link(hub.url, { random: () => 0.5 }, peer)
    await l.start()
    await hub.take('register')
    await hub.take('interest')
    await hub.take('presence')
    l.watchNs('board')
    l.watchNs('lobby')
    l.unwatchNs('lobby') // in one burst: cancels out
    l.watchUser('ann')
    expect(await hub.take('interest')).toEqual({ addNs: ['board'], addUsers: ['ann'] })
    hub.last.socket.terminate()
    await hub.take('register')
    expect(events.disconnected[0]?.code).toBe(1006)
    expect(events.reconnecting[0]).toEqual({ delayMs: 10, attempt: 1 }) // 0.5 × 20
    expect(await hub.take('interest')).toEqual({ reset: true, addNs: ['board'], addUsers: ['ann'] })
    expect(await hub.take('presence')).toEqual({ members: { board: [ann] } })
  })

  it('doubles the jitter ceiling per failed attempt up to maxDelayMs', async () => {
    const port = await freePort()
    const { link: l, events } = link(`ws://127.0.0.1:${port}`, { random: () => 1 })
    await l.start()
    await vi.waitFor(() => expect(events.reconnecting.length).toBeGreaterThanOrEqual(4))
    expect(events.reconnecting.slice(0, 4).map((e) => e.delayMs)).toEqual([20, 40, 80, 80])
  })

  it('reconnects at once after a drain close (4503)', async () => {
    const hub = await ScriptedHub.start()
    const { link: l, events } = link(hub.url, { random: () => 1 })
    await l.start()
    await hub.take('register')
    await hub.take('presence')
    hub.last.socket.close(4503, 'hub draining')
    await hub.take('register')
    expect(events.reconnecting).toEqual([{ delayMs: 0, attempt: 1 }])
  })

  it.each([4401, 4409])('stops for good after %i and keeps nothing buffered', async (code) => {
    const hub = await ScriptedHub.start({ refuseWith: code })
    const { link: l, events } = link(hub.url)
    await l.start()
    await vi.waitFor(() => expect(l.state).toBe('final'))
    expect(events.final).toEqual([{ code, reason: 'refused' }])
    expect(events.reconnecting).toEqual([])
    await l.publishNs('board', 'news', 1, 'id1') // dropped quietly: no hub any more
    await new Promise((r) => setTimeout(r, 100))
    expect(hub.sessions).toHaveLength(1)
  })

  it('takes a silent hub for dead after 3 heartbeat periods and reconnects', async () => {
    const hub = await ScriptedHub.start({ heartbeatMs: 30 })
    const { link: l, events } = link(hub.url)
    await l.start()
    await hub.take('heartbeat') // it beats
    await hub.take('register', () => hub.sessions.length === 2)
    expect(events.disconnected[0]?.code).toBe(1006)
    expect(events.final).toEqual([])
  })
})

describe('MegaHubLink: frames', () => {
  it('keeps publish and kick frames while away (the oldest dropped past the bound) and sends them after the re-sync', async () => {
    const port = await freePort()
    const { link: l, events } = link(`ws://127.0.0.1:${port}`, { maxBufferedFrames: 2 })
    await l.start()
    await l.publishNs('board', 'news', 1, 'id1')
    await l.publishUser('board', 'ann', 'dm', { text: 'hi' })
    await l.publishKick({ userId: 'bob' }, { requeue: true, reason: 'move' })
    expect(l.droppedFrames).toBe(1)
    expect(events.dropped).toEqual([{ total: 1 }])
    const hub = await ScriptedHub.start({ port })
    await hub.take('kick')
    expect(hub.types()).toEqual(['register', 'interest', 'presence', 'publish', 'kick'])
    expect(await hub.take('publish')).toEqual({
      ns: 'board',
      userId: 'ann',
      type: 'dm',
      data: { text: 'hi' },
    })
  })

  it('answers remoteMembers from presence_result, and [] when the hub does not answer in time', async () => {
    const bob: PresenceMember = { sessionId: 's2', userId: 'bob', metadata: { c: 1 }, connId: 'c2' }
    const hub = await ScriptedHub.start({ presence: (ns) => (ns === 'board' ? [bob] : undefined) })
    const { link: l } = link(hub.url, { presenceTimeoutMs: 50 })
    expect(await l.remoteMembers('board')).toEqual([]) // not registered yet
    await l.start()
    await vi.waitFor(() => expect(l.state).toBe('registered'))
    expect(await l.remoteMembers('board')).toEqual([bob])
    expect(await l.remoteMembers('lobby')).toEqual([])
  })

  it('hands deliver, kick and drain to the peer, and ignores its own deliveries', async () => {
    const hub = await ScriptedHub.start()
    const { peer, calls } = recordingPeer()
    const { link: l } = link(hub.url, { instanceId: 'me' }, peer)
    await l.start()
    await hub.take('presence')
    const at = { epoch: 'e1', offset: 4 }
    const base: HubPayloads['deliver'] = { origin: 'other', ns: 'board', type: 'news', data: 1 }
    hub.send(undefined, 'deliver', { ...base, origin: 'me' })
    hub.send(undefined, 'deliver', { ...base, id: 'm1', except: 'c9', at })
    hub.send(undefined, 'deliver', { ...base, userId: 'ann' })
    hub.send(undefined, 'kick', { target: { userId: 'ann' }, reason: 'bye' })
    hub.send(undefined, 'drain', {})
    await vi.waitFor(() => expect(calls).toHaveLength(4))
    expect(calls).toEqual([
      ['deliverNs', 'board', 'news', 1, 'm1', 'c9', at],
      ['deliverUser', 'board', 'ann', 'news', 1],
      ['kickLocal', { userId: 'ann' }, { reason: 'bye' }],
      ['requeueLocal', 'reconnect to another process keeping the session'],
    ])
  })

  it('stops once: closes with 1000 and never comes back', async () => {
    const hub = await ScriptedHub.start()
    const { link: l, events } = link(hub.url)
    await l.start()
    await hub.take('presence')
    await Promise.all([l.stop(), l.stop()])
    expect(await hub.last.closed).toBe(1000)
    expect(l.state).toBe('stopped')
    expect(events.reconnecting).toEqual([])
  })
})

describe('MegaHubLink: config', () => {
  it.each([
    [{ url: 'http://hub' }, 'url'],
    [{ token: '' }, 'token'],
    [{ protocolVersion: HUB_PROTOCOL_VERSION + 1 }, 'protocolVersion'],
    [{ reconnect: { minDelayMs: 500, maxDelayMs: 100 } }, 'reconnect'],
    [{ maxBufferedFrames: -1 }, 'maxBufferedFrames'],
    [{ presenceTimeoutMs: 0 }, 'presenceTimeoutMs'],
    [{ instanceId: 'x'.repeat(129) }, 'instanceId'],
    [{ heartbeat: 5 }, 'config'],
  ])('refuses %j naming %s', (bad, field) => {
    expect(
      () =>
        new MegaHubLink(recordingPeer().peer, {
          url: 'ws://hub',
          token: 't',
          ...(bad as Partial<HubLinkConfig>),
        }),
    ).toThrow(
      expect.objectContaining({
        code: 'MEGA_WS_OPTIONS_INVALID',
        message: expect.stringContaining(field === 'config' ? 'heartbeat' : field),
      }),
    )
  })

  it('refuses an unknown event name', () => {
    const l = new MegaHubLink(recordingPeer().peer, { url: 'ws://hub', token: 't' })
    expect(() => l.on('opened' as 'connected', () => undefined)).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_OPTIONS_INVALID' }),
    )
  })

  it('generates an instance id stable for the link, distinct per link of the process', () => {
    const a = new MegaHubLink(recordingPeer().peer, { url: 'ws://hub', token: 't' })
    const b = new MegaHubLink(recordingPeer().peer, { url: 'ws://hub', token: 't' })
    expect(a.instanceId).toMatch(new RegExp(`-${process.pid}-`))
    expect(b.instanceId).not.toBe(a.instanceId)
    expect(b.instanceId.startsWith(a.instanceId.replace(/-\d+$/, ''))).toBe(true)
  })
})
