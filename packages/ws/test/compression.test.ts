import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import WebSocket from 'ws'
import { defineRoutes, MegaError } from '@mega/core'
import {
  COMPRESSION_DEFAULTS,
  buildPerMessageDeflate,
  checkCompressionConfig,
  defineChannel,
  ws,
} from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

const Echo = defineChannel({
  messages: { echo: z.object({ text: z.string() }) },
  handlers: { echo: ({ text }) => ({ text }) },
})
const routes = defineRoutes((r) => r.ws('/live', Echo))

/** The extensions the client agreed with the server (the `ws` client keeps them on `_extensions`). */
function extensionsOf(socket: WebSocket): Record<string, unknown> {
  return (socket as unknown as { _extensions: Record<string, unknown> })._extensions
}

function upgradeHeader(url: string): Promise<string | undefined> {
  const socket = new WebSocket(url)
  return new Promise((resolve, reject) => {
    socket.once('upgrade', (res) => {
      resolve(res.headers['sec-websocket-extensions'])
      socket.terminate()
    })
    socket.once('error', reject)
  })
}

describe('ws({ compression })', () => {
  it('is off by default: the server declines permessage-deflate', async () => {
    const { wsUrl } = await serve({ routes })
    expect(await upgradeHeader(`${wsUrl}/live`)).toBeUndefined()
    const client = await connect(`${wsUrl}/live`)
    expect(extensionsOf(client.socket)).toEqual({})
  })

  it('negotiates permessage-deflate and round-trips messages above the threshold', async () => {
    const { wsUrl } = await serve({ routes }, { compression: { threshold: 64, level: 6 } })
    expect(await upgradeHeader(`${wsUrl}/live`)).toMatch(/^permessage-deflate/)
    const client = await connect(`${wsUrl}/live`)
    expect(Object.keys(extensionsOf(client.socket))).toEqual(['permessage-deflate'])
    const text = 'note '.repeat(2000) // 10 kB, well above the threshold: sent compressed both ways
    client.send({ type: 'echo', id: 'q1', data: { text } })
    expect(await client.next()).toMatchObject({ replyTo: 'q1', data: { text } })
    client.send({ type: 'echo', id: 'q2', data: { text: 'tiny' } })
    expect(await client.next()).toMatchObject({ replyTo: 'q2', data: { text: 'tiny' } })
  })

  it('accepts a client that asks for server_no_context_takeover', async () => {
    const { wsUrl } = await serve({ routes }, { compression: true })
    const socket = new WebSocket(`${wsUrl}/live`, {
      perMessageDeflate: { serverNoContextTakeover: true },
    })
    const header = await new Promise<string | undefined>((resolve, reject) => {
      socket.once('upgrade', (res) => resolve(res.headers['sec-websocket-extensions']))
      socket.once('error', reject)
    })
    socket.terminate()
    expect(header).toContain('server_no_context_takeover')
  })

  it('turns on with the defaults for `true`', async () => {
    const { wsUrl } = await serve({ routes }, { compression: true })
    const client = await connect(`${wsUrl}/live`)
    expect(Object.keys(extensionsOf(client.socket))).toEqual(['permessage-deflate'])
  })

  it.each([
    [{ level: 10 }, 'compression.level'],
    [{ memLevel: 0 }, 'compression.memLevel'],
    [{ windowBits: 8 }, 'compression.windowBits'],
    [{ threshold: -1 }, 'compression.threshold'],
    [{ concurrencyLimit: 1.5 }, 'compression.concurrencyLimit'],
    [{ serverNoContextTakeover: 'yes' }, 'compression.serverNoContextTakeover'],
    [{ lvl: 3 }, 'compression'],
  ])('refuses %j at ws() call time, naming %s', (compression, field) => {
    const error = (() => {
      try {
        ws({ compression } as never)
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(MegaError.is(error, 'MEGA_WS_OPTIONS_INVALID')).toBe(true)
    expect((error as Error).message).toContain(`ws(): ${field}`)
  })

  it('refuses a compression option that is not a boolean or an object', () => {
    expect(() => ws({ compression: 'on' } as never)).toThrow(/compression: expected true, false/)
  })
})

describe('buildPerMessageDeflate', () => {
  it("maps the config onto the ws library's options, the defaults filling the gaps", () => {
    expect(buildPerMessageDeflate({ level: 9, windowBits: 10 })).toEqual({
      threshold: 1024,
      concurrencyLimit: 10,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 10,
      zlibDeflateOptions: { level: 9, memLevel: 7 },
    })
  })

  it('returns the defaults frozen, never changing the given object', () => {
    const given = { threshold: 10 }
    const checked = checkCompressionConfig(given)
    expect(checked).toEqual({ ...COMPRESSION_DEFAULTS, threshold: 10 })
    expect(Object.isFrozen(checked)).toBe(true)
    expect(given).toEqual({ threshold: 10 })
  })
})
