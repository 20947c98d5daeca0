import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAspCodec } from '@mega/ws'
import type { WsClientCodec } from '../src/index.js'
import { client, nextEvent, serve } from './helpers/server.js'

const key = randomBytes(32).toString('base64')

/** @mega/ws's ASP codec plugged into the client's codec seam. */
function aspCodec(withKey: string): WsClientCodec {
  const asp = createAspCodec({ key: withKey })
  return {
    protocolSuffix: '+asp',
    encode: (text) => asp.seal(text),
    decode: (frame) => asp.open(frame),
  }
}

describe('the frame codec seam with ASP encryption', () => {
  it('offers mega.v1+asp, seals what it sends and opens what it receives', async () => {
    const { wsUrl } = await serve({}, { encryption: { key } })
    const c = client({ url: `${wsUrl}/board?u=ann`, codec: aspCodec(key) })
    const opened = nextEvent(c, 'open')
    await c.connect()
    expect(await opened).toMatchObject({ protocol: 'mega.v1+asp', version: 1 })
    expect(await c.request('echo', 'secret')).toEqual({ echoed: 'secret' })
  })

  it('reports a 4500 (the server could not decrypt) and reconnects with backoff', async () => {
    const { wsUrl } = await serve({}, { encryption: { key } })
    const wrong = randomBytes(32).toString('base64')
    const c = client({
      url: `${wsUrl}/board?u=ann`,
      codec: aspCodec(wrong),
      reconnect: { minDelayMs: 10 },
    })
    await c.connect()
    const refused = nextEvent(c, 'error', (e) => e.code === 'MEGA_WSC_DECRYPT_REFUSED')
    const reconnecting = nextEvent(c, 'reconnecting')
    c.send('echo', 'x')
    expect(await reconnecting).toMatchObject({ code: 4500, attempt: 1 })
    expect((await refused).message).toMatch(/same key/)
  })
})
