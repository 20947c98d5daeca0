import { describe, expect, it } from 'vitest'
import { defineRoutes } from '@mega/core'
import { defineChannel, WS_PING_TYPE, WS_PONG_TYPE } from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

describe('app-level ping (mega.ping)', () => {
  it('answers mega.ping with mega.pong naming it, without the channel seeing it', async () => {
    const seen: string[] = []
    const Channel = defineChannel({
      messages: {},
      handlers: {},
      onConnect: () => void seen.push('connect'),
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/ping', Channel)) })
    const client = await connect(`${wsUrl}/ping`)
    client.send({ type: WS_PING_TYPE, id: 'p1' })
    expect(await client.next()).toMatchObject({ type: WS_PONG_TYPE, replyTo: 'p1' })
    client.send({ type: WS_PING_TYPE })
    const bare = await client.next()
    expect(bare.type).toBe('mega.pong')
    expect(bare.replyTo).toBeUndefined()
    // An unknown type still gets MEGA_WS_UNKNOWN_TYPE: only mega.ping is the protocol's.
    client.send({ type: 'mega.other', id: 'x' })
    expect(await client.next()).toMatchObject({
      type: 'mega.error',
      replyTo: 'x',
      error: { code: 'MEGA_WS_UNKNOWN_TYPE' },
    })
    expect(seen).toEqual(['connect'])
  })
})
