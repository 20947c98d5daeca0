import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { expectMegaError } from '@mega/test-utils'
import type { WsClientConfig } from '../src/index.js'
import { client, gate, nextEvent, recorded, serve } from './helpers/server.js'

let releaseUpgrades = (): void => undefined

/** Holds every upgrade (in the route's before hook) until the returned function runs. */
function holdUpgrades(): () => void {
  let release = (): void => undefined
  gate.open = new Promise((resolve) => (release = resolve))
  releaseUpgrades = () => {
    release()
    gate.open = Promise.resolve()
  }
  return releaseUpgrades
}

afterEach(() => {
  releaseUpgrades()
  recorded.length = 0
})

/**
 * A client kicked with 4503 (a drain) whose reconnect is held at the server: it stays
 * `reconnecting` until `release()`; `reopened` resolves at the reconnect's open.
 */
async function reconnecting(config: Partial<WsClientConfig> = {}) {
  const { url, wsUrl } = await serve()
  const c = client({ url: `${wsUrl}/board?u=ann`, reconnect: { minDelayMs: 10 }, ...config })
  await c.connect()
  await c.request('echo', 'joined')
  const release = holdUpgrades()
  const gone = nextEvent(c, 'reconnecting')
  await fetch(`${url}/kick/ann?requeue=1`, { method: 'POST' })
  expect(await gone).toMatchObject({ code: 4503 })
  expect(c.state).toBe('reconnecting')
  const reopened = nextEvent(c, 'open', (e) => e.reconnected)
  return { c, release, reopened }
}

describe('the send buffer (messages sent while the client is reconnecting)', () => {
  it('sends what was sent during a reconnect, in order, once the socket reopens', async () => {
    const { c, release, reopened } = await reconnecting()
    const ids = [1, 2, 3].map((n) => c.send('record', n))
    expect(new Set(ids).size).toBe(3)
    expect(recorded).toEqual([])
    release()
    await reopened
    c.send('record', 4) // sent on the open socket, after the buffered ones
    expect(await c.request('echo', 'after')).toEqual({ echoed: 'after' })
    expect(recorded).toEqual([1, 2, 3, 4])
  })

  it('answers a request made during a reconnect, in order with the buffered sends', async () => {
    const { c, release, reopened } = await reconnecting()
    c.send('record', 'before')
    const answer = c.request('echo', 'buffered')
    c.send('record', 'after')
    release()
    expect(await answer).toEqual({ echoed: 'buffered' })
    await reopened
    await c.request('echo', 'sync')
    expect(recorded).toEqual(['before', 'after'])
  })

  it('buffers while the first connect is under way, too', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann` })
    const connected = c.connect()
    expect(c.state).toBe('connecting')
    c.send('record', 'early')
    const answer = c.request('echo', 'early')
    await connected
    expect(await answer).toEqual({ echoed: 'early' })
    expect(recorded).toEqual(['early'])
  })

  it('throws MEGA_WSC_BUFFER_FULL when sendBuffer.max messages wait, dropping nothing', async () => {
    const { c, release, reopened } = await reconnecting({ sendBuffer: { max: 2 } })
    c.send('record', 1)
    c.send('record', 2)
    const err = expectMegaError(() => c.send('record', 3), 'MEGA_WSC_BUFFER_FULL')
    expect(err.message).toMatch(/2 messages already wait.*raise sendBuffer\.max/)
    await expectMegaError(c.request('echo', 3), 'MEGA_WSC_BUFFER_FULL')
    release()
    await reopened
    await c.request('echo', 'sync')
    expect(recorded).toEqual([1, 2])
  })

  it('with sendBuffer.max 0, throws MEGA_WSC_NOT_OPEN while reconnecting, as before', async () => {
    const { c, release, reopened } = await reconnecting({ sendBuffer: { max: 0 } })
    const err = expectMegaError(() => c.send('record', 1), 'MEGA_WSC_NOT_OPEN')
    expect(err.message).toMatch(/reconnecting.*sendBuffer\.max is 0/)
    await expectMegaError(c.request('echo', 1), 'MEGA_WSC_NOT_OPEN')
    release()
    await reopened
    await c.request('echo', 'sync')
    expect(recorded).toEqual([])
  })

  it('rejects a request that times out in the buffer with MEGA_WSC_TIMEOUT and never sends it', async () => {
    const { c, release, reopened } = await reconnecting()
    const late = c.request('record', 'late', { timeoutMs: 30 })
    const err = await expectMegaError(late, 'MEGA_WSC_TIMEOUT')
    expect(err.message).toMatch(/"record" was never sent within 30 ms/)
    c.send('record', 'next')
    release()
    await reopened
    await c.request('echo', 'sync')
    expect(recorded).toEqual(['next'])
  })

  it('on a final close, rejects buffered requests and reports dropped sends in one error event', async () => {
    const { c } = await reconnecting()
    const pending = c.request('echo', 'never')
    const first = c.send('record', 1)
    c.send('record', 2)
    const errors: string[] = []
    c.onEvent('error', (e) => errors.push(`${e.code}: ${e.message}`))
    const closed = nextEvent(c, 'closed')
    c.close()
    const err = await expectMegaError(pending, 'MEGA_WSC_CLOSED')
    expect(err.message).toMatch(/"echo" was never sent/)
    expect(await closed).toMatchObject({ final: true })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^MEGA_WSC_UNSENT: 2 buffered message\(s\) were never sent/)
    expect(errors[0]).toContain(first)
    expectMegaError(() => c.send('record', 3), 'MEGA_WSC_NOT_OPEN')
    await expectMegaError(c.request('echo', 3), 'MEGA_WSC_NOT_OPEN')
  })

  it('sends mega.resume before the buffered messages on the reopened socket', async () => {
    const wss = new WebSocketServer({
      port: 0,
      handleProtocols: (offered) => [...offered][0] ?? false,
    })
    await new Promise((resolve) => wss.once('listening', resolve))
    const frames: string[][] = []
    wss.on('connection', (socket) => {
      const mine: string[] = []
      frames.push(mine)
      socket.on('message', (raw) =>
        mine.push((JSON.parse((raw as Buffer).toString('utf8')) as { type: string }).type),
      )
      // A position (the client will resume from it), then a drain on the first socket only.
      socket.send(
        JSON.stringify({ type: 'mega.position', ns: 'board', data: { epoch: 'e1', offset: 3 } }),
      )
      if (frames.length === 1) socket.close(4503, 'drain')
    })
    try {
      const { port } = wss.address() as { port: number }
      const c = client({ url: `ws://127.0.0.1:${port}/board`, WebSocket })
      const off = c.onEvent('reconnecting', () => {
        off()
        c.send('app.one')
        c.send('app.two')
      })
      const reopened = nextEvent(c, 'open', (e) => e.reconnected)
      await c.connect().catch(() => undefined) // the first open may already be gone
      await reopened
      await expect.poll(() => frames[1]?.length).toBe(3)
      expect(frames[1]).toEqual(['mega.resume', 'app.one', 'app.two'])
      c.close()
    } finally {
      for (const socket of wss.clients) socket.terminate()
      await new Promise((resolve) => wss.close(resolve))
    }
  })

  it('keeps buffered messages across a reconnect attempt that fails', async () => {
    let upgrades = 0
    const wss = new WebSocketServer({
      port: 0,
      handleProtocols: (offered) => [...offered][0] ?? false,
      // The first reconnect attempt is refused (HTTP 503): its socket never opens.
      verifyClient: (_info, done) => done(++upgrades !== 2, 503),
    })
    await new Promise((resolve) => wss.once('listening', resolve))
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const m = JSON.parse((raw as Buffer).toString('utf8')) as {
          type: string
          id: string
          data: unknown
        }
        if (m.type === 'app.ask')
          socket.send(JSON.stringify({ type: 'mega.reply', replyTo: m.id, data: m.data }))
      })
      if (upgrades === 1) socket.close(4503, 'drain')
    })
    try {
      const { port } = wss.address() as { port: number }
      const c = client({ url: `ws://127.0.0.1:${port}/board`, reconnect: { minDelayMs: 10 } })
      let answer: Promise<unknown> | undefined
      const off = c.onEvent('reconnecting', () => {
        off()
        answer = c.request('app.ask', 'kept')
      })
      const attempts: number[] = []
      c.onEvent('reconnecting', (e) => attempts.push(e.attempt))
      const reopened = nextEvent(c, 'open', (e) => e.reconnected)
      await c.connect().catch(() => undefined)
      await reopened
      expect(upgrades).toBe(3)
      expect(attempts).toEqual([0, 1]) // the 4503 reroute, then the refused attempt's retry
      expect(await answer).toBe('kept')
      c.close()
    } finally {
      for (const socket of wss.clients) socket.terminate()
      await new Promise((resolve) => wss.close(resolve))
    }
  })

  it('when the reconnect attempts run out, rejects buffered requests and reports the sends', async () => {
    let upgrades = 0
    const wss = new WebSocketServer({
      port: 0,
      handleProtocols: (offered) => [...offered][0] ?? false,
      verifyClient: (_info, done) => done(++upgrades === 1, 503), // only the first socket opens
    })
    await new Promise((resolve) => wss.once('listening', resolve))
    wss.on('connection', (socket) => socket.close(4503, 'drain'))
    try {
      const { port } = wss.address() as { port: number }
      const c = client({
        url: `ws://127.0.0.1:${port}/board`,
        reconnect: { minDelayMs: 5, maxAttempts: 2 },
      })
      let pending: Promise<unknown> | undefined
      const off = c.onEvent('reconnecting', () => {
        off()
        pending = c.request('app.ask', 1, { timeoutMs: 5000 })
        c.send('app.note', 2)
      })
      const unsent = nextEvent(c, 'error')
      const final = nextEvent(c, 'closed', (e) => e.final)
      await c.connect().catch(() => undefined)
      await final
      const err = await expectMegaError(pending as Promise<unknown>, 'MEGA_WSC_CLOSED')
      expect(err.message).toMatch(/"app.ask" was never sent: .*2 reconnect attempts failed/)
      const dropped = await unsent
      expect(dropped.code).toBe('MEGA_WSC_UNSENT')
      expect(dropped.message).toMatch(/^1 buffered message\(s\) were never sent \("app.note" /)
      expect(c.state).toBe('closed')
    } finally {
      for (const socket of wss.clients) socket.terminate()
      await new Promise((resolve) => wss.close(resolve))
    }
  })
})
