import { describe, expect, it } from 'vitest'
import { expectMegaError } from '@mega/test-utils'
import { MegaWsClientError } from '../src/index.js'
import { client, nextEvent, recordEvents, serve } from './helpers/server.js'

interface Note {
  readonly title: string
}

describe('MegaWsClient against a real @mega/ws server', () => {
  it('connects, negotiates the highest mutual version and answers requests', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann`, versions: [3, 2, 1] })
    const events = recordEvents(c)
    const opened = nextEvent(c, 'open')
    await c.connect()
    expect(await opened).toMatchObject({ version: 1, protocol: 'mega.v1', reconnected: false })
    expect(c.state).toBe('open')
    expect(c.version).toBe(1)
    expect(await c.request('echo', { a: 1 })).toEqual({ echoed: { a: 1 } })
    expect(events).toEqual(['connecting', 'open:v1'])
  })

  it('delivers typed messages to on() handlers, and a request reply resolves', async () => {
    const { wsUrl } = await serve()
    const c = client<{ 'note.created': Note }>({ url: `${wsUrl}/board?u=ann` })
    const titles: string[] = []
    const got = new Promise<void>((resolve) =>
      c.on('note.created', (note, message) => {
        titles.push(note.title)
        expect(message.ns).toBe('board')
        resolve()
      }),
    )
    await c.connect()
    expect(await c.request('note.create', { title: 'Milk' })).toEqual({ ok: true })
    await got
    expect(titles).toEqual(['Milk'])
  })

  it("rejects a request answered with mega.error with the server's code and issues", async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann` })
    await c.connect()
    const err = await expectMegaError<MegaWsClientError>(
      c.request('note.create', { title: '' }),
      'MEGA_WS_INVALID_PAYLOAD',
    )
    expect(err).toBeInstanceOf(MegaWsClientError)
    expect(err.issues?.[0]?.path).toBe('title')
    expect(err.serverError?.code).toBe('MEGA_WS_INVALID_PAYLOAD')
    await expectMegaError(c.request('nope'), 'MEGA_WS_UNKNOWN_TYPE')
  })

  it('rejects a request with MEGA_WSC_TIMEOUT when no answer comes in time', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann` })
    await c.connect()
    const err = await expectMegaError(c.request('slow', 300, { timeoutMs: 30 }), 'MEGA_WSC_TIMEOUT')
    expect(err.message).toMatch(/"slow" within 30 ms/)
    expect(await c.request('echo', 2)).toEqual({ echoed: 2 }) // the late reply is ignored
  })

  it('rejects pending requests with MEGA_WSC_CLOSED on close(), which is final', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann` })
    const events = recordEvents(c)
    await c.connect()
    const pending = c.request('slow', 200)
    c.close()
    await expectMegaError(pending, 'MEGA_WSC_CLOSED')
    expect(c.state).toBe('closed')
    expect(events).toEqual(['connecting', 'open:v1', 'closed:1000:final'])
    expectMegaError(() => c.send('echo', 1), 'MEGA_WSC_NOT_OPEN')
    await expectMegaError(c.opened(), 'MEGA_WSC_CLOSED')
  })

  it('reconnects with backoff after the server kills the socket, rejecting what was pending', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann`, reconnect: { minDelayMs: 10, maxDelayMs: 40 } })
    const events = recordEvents(c)
    await c.connect()
    const reconnecting = nextEvent(c, 'reconnecting')
    const reopened = nextEvent(c, 'open', (e) => e.reconnected)
    const pending = c.request('slow', 100)
    c.send('die')
    await expectMegaError(pending, 'MEGA_WSC_CLOSED')
    const r = await reconnecting
    expect(r).toMatchObject({ attempt: 1, code: 1006 })
    expect(r.delayMs).toBeGreaterThanOrEqual(0)
    expect(r.delayMs).toBeLessThan(10) // attempt 1: jitter under minDelayMs
    await reopened
    expect(await c.request('echo', 'back')).toEqual({ echoed: 'back' })
    expect(events).toEqual([
      'connecting',
      'open:v1',
      'closed:1006:again',
      'reconnecting:1',
      'connecting',
      'open:v1',
    ])
  })

  it('stops for good when kicked (1008): no reconnect, connect() waiters rejected', async () => {
    const { url, wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=bob`, reconnect: { minDelayMs: 10 } })
    const events = recordEvents(c)
    await c.connect()
    await c.request('echo', 1) // joined
    const closed = nextEvent(c, 'closed')
    await fetch(`${url}/kick/bob`, { method: 'POST' })
    expect(await closed).toMatchObject({ code: 1008, final: true })
    expect(c.state).toBe('closed')
    await expectMegaError(c.opened(), 'MEGA_WSC_CLOSED')
    expect(events).toEqual(['connecting', 'open:v1', 'closed:1008:final'])
  })

  it('gives up after maxAttempts when the server refuses the version offered', async () => {
    const { wsUrl } = await serve()
    const c = client({
      url: `${wsUrl}/board?u=ann`,
      versions: [7],
      reconnect: { minDelayMs: 5, maxAttempts: 2 },
    })
    const events = recordEvents(c)
    await expectMegaError(c.connect(), 'MEGA_WSC_CLOSED')
    expect(events.filter((e) => e.startsWith('reconnecting'))).toEqual([
      'reconnecting:1',
      'reconnecting:2',
    ])
    expect(events.at(-1)).toMatch(/^closed:\d+:final$/)
  })

  it('reports a frame that is not an envelope as an error event and keeps going', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann` })
    await c.connect()
    const error = nextEvent(c, 'error')
    // An error envelope that answers nothing the client asked is reported, not thrown.
    c.send('nope')
    expect(await error).toMatchObject({
      code: 'MEGA_WSC_SERVER_ERROR',
      serverError: { code: 'MEGA_WS_UNKNOWN_TYPE' },
    })
    expect(await c.request('echo', 3)).toEqual({ echoed: 3 })
  })
})
