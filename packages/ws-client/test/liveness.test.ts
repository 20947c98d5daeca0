import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { disposeAfterTest } from '@mega/test-utils'
import { client, nextEvent, serve } from './helpers/server.js'

/** A server that accepts mega.v1 and then never says a word (a silently dead link). */
async function silentServer(): Promise<{ url: string; pings: string[] }> {
  const pings: string[] = []
  const wss = new WebSocketServer({ port: 0, handleProtocols: () => 'mega.v1' })
  wss.on('connection', (socket) =>
    socket.on('message', (data: Buffer) => pings.push(data.toString('utf8'))),
  )
  await new Promise((resolve) => wss.once('listening', resolve))
  disposeAfterTest(() => new Promise<void>((resolve) => wss.close(() => resolve())))
  const { port } = wss.address() as { port: number }
  return { url: `ws://127.0.0.1:${port}/`, pings }
}

describe('app-level heartbeat', () => {
  it('pings a silent server, then calls the link dead and reconnects', async () => {
    const { url, pings } = await silentServer()
    const c = client({ url, pingIntervalMs: 20, idleTimeoutMs: 60, reconnect: { minDelayMs: 10 } })
    await c.connect()
    const closed = nextEvent(c, 'closed')
    expect(await closed).toEqual({
      code: 1006,
      reason: 'idle timeout: no frame from the server',
      final: false,
    })
    const types = new Set(pings.map((p) => (JSON.parse(p) as { type: string }).type))
    expect([...types]).toEqual(['mega.ping'])
    await nextEvent(c, 'open', (e) => e.reconnected)
  })

  it('keeps a live @mega/ws link open: the server answers mega.ping with mega.pong', async () => {
    const { wsUrl } = await serve()
    const c = client({ url: `${wsUrl}/board?u=ann`, pingIntervalMs: 50, idleTimeoutMs: 400 })
    const closes: unknown[] = []
    c.onEvent('closed', (e) => closes.push(e))
    await c.connect()
    await new Promise((r) => setTimeout(r, 1000)) // several silent periods, each bridged by a pong
    expect(closes).toEqual([])
    expect(c.state).toBe('open')
  })
})
