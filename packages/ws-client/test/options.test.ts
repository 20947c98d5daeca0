import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { expectMegaError } from '@mega/test-utils'
import { backoffDelay, MegaWsClient, WS_CLIENT_DEFAULTS } from '../src/index.js'

const make = (config: Record<string, unknown>) => () => new MegaWsClient({ WebSocket, ...config })

describe('MegaWsClient options', () => {
  it('refuses bad options with one MEGA_WSC_OPTIONS_INVALID listing every problem', () => {
    const err = expectMegaError(
      make({
        url: 'http://x',
        versions: [0],
        requestTimeoutMs: -1,
        reconnect: { minDelayMs: 100, maxDelayMs: 50, factor: 0.5, maxAttempts: 0, jitter: true },
        extra: 1,
      }),
      'MEGA_WSC_OPTIONS_INVALID',
    )
    expect(err.issues?.map((i) => i.path)).toEqual([
      'url',
      'versions',
      'requestTimeoutMs',
      'reconnect.factor',
      'reconnect.maxAttempts',
      'reconnect.maxDelayMs',
      'reconnect.jitter',
      'extra',
    ])
  })

  it('wants exactly one of url and urls, ws:// urls, and an idle timeout above the ping period', () => {
    expectMegaError(make({}), 'MEGA_WSC_OPTIONS_INVALID')
    expectMegaError(make({ url: 'ws://a', urls: ['ws://b'] }), 'MEGA_WSC_OPTIONS_INVALID')
    const urls = expectMegaError(make({ urls: ['ws://a', 'ftp://b'] }), 'MEGA_WSC_OPTIONS_INVALID')
    expect(urls.issues?.[0]?.path).toBe('urls[1]')
    const idle = expectMegaError(
      make({ url: 'ws://a', pingIntervalMs: 1000, idleTimeoutMs: 1000 }),
      'MEGA_WSC_OPTIONS_INVALID',
    )
    expect(idle.message).toMatch(/idleTimeoutMs must exceed pingIntervalMs/)
    expectMegaError(make({ url: 'ws://a', codec: { encode: 1 } }), 'MEGA_WSC_OPTIONS_INVALID')
    expectMegaError(make({ url: 'ws://a', versions: [1, 1] }), 'MEGA_WSC_OPTIONS_INVALID')
    expect(
      make({ url: 'ws://a', pingIntervalMs: 0, idleTimeoutMs: 0, reconnect: false })(),
    ).toBeInstanceOf(MegaWsClient)
  })

  it('checks sendBuffer: an object whose max is a whole number, 0 or more', () => {
    for (const sendBuffer of [{ max: -1 }, { max: 1.5 }, { max: Infinity }, { max: '10' }]) {
      const err = expectMegaError(make({ url: 'ws://a', sendBuffer }), 'MEGA_WSC_OPTIONS_INVALID')
      expect(err.issues).toEqual([
        {
          path: 'sendBuffer.max',
          message: 'must be a whole number of messages, 0 or more (0 = no buffering)',
        },
      ])
    }
    for (const sendBuffer of [100, null, [], 'on'])
      expect(
        expectMegaError(make({ url: 'ws://a', sendBuffer }), 'MEGA_WSC_OPTIONS_INVALID').issues?.[0]
          ?.path,
      ).toBe('sendBuffer')
    const extra = expectMegaError(
      make({ url: 'ws://a', sendBuffer: { max: 5, dropOldest: true } }),
      'MEGA_WSC_OPTIONS_INVALID',
    )
    expect(extra.issues?.map((i) => i.path)).toEqual(['sendBuffer.dropOldest'])
    expect(WS_CLIENT_DEFAULTS.sendBuffer).toEqual({ max: 100 })
    for (const sendBuffer of [{}, { max: 0 }, { max: 5000 }, { max: undefined }])
      expect(make({ url: 'ws://a', sendBuffer })()).toBeInstanceOf(MegaWsClient)
  })

  it('needs a WebSocket class where the runtime has none (Node 20)', () => {
    vi.stubGlobal('WebSocket', undefined) // as on Node 20 (Node 22 and browsers have one)
    try {
      expectMegaError(() => new MegaWsClient({ url: 'ws://a' }), 'MEGA_WSC_NO_WEBSOCKET')
      vi.stubGlobal('WebSocket', WebSocket)
      expect(new MegaWsClient({ url: 'ws://a' }).state).toBe('idle')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('refuses an unknown event name and a bad message type without sending anything', () => {
    const c = make({ url: 'ws://127.0.0.1:9' })()
    expectMegaError(() => c.onEvent('opened' as 'open', () => undefined), 'MEGA_WSC_UNKNOWN_EVENT')
    expectMegaError(() => c.on('1bad', () => undefined), 'MEGA_WSC_INVALID_MESSAGE')
    expectMegaError(() => c.send('ok', 1), 'MEGA_WSC_NOT_OPEN')
    expectMegaError(() => c.send('bad type', 1), 'MEGA_WSC_INVALID_MESSAGE')
    expect(c.state).toBe('idle')
  })

  it('backs off exponentially with full jitter, capped at maxDelayMs', () => {
    const r = { ...WS_CLIENT_DEFAULTS.reconnect, minDelayMs: 100, maxDelayMs: 1000 }
    const top = () => 0.999999
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, r, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ])
    expect(backoffDelay(3, r, () => 0)).toBe(0)
  })
})
