import { afterEach } from 'vitest'
import WebSocket from 'ws'
import { createApp, type CreateAppOptions, type MegaServer } from '@mega/core'
import { ws, type WsHubConfig } from '@mega/ws'

const servers: MegaServer[] = []
const sockets: WebSocket[] = []

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A Mega app with `ws({ hub })` on a free port (a bridge); closed after the test. */
export async function bridgeApp(
  options: CreateAppOptions,
  hub: WsHubConfig,
): Promise<{ server: MegaServer; url: string; wsUrl: string }> {
  const server = createApp({ logger: false, ...options, plugins: [ws({ hub })] })
  servers.push(server)
  const url = await server.listen()
  return { server, url, wsUrl: url.replace(/^http/, 'ws') }
}

/** A received client frame, parsed. */
export type Frame = Record<string, unknown> & { type: string }

/** A raw `ws` client that queues what it receives. */
export interface Client {
  readonly socket: WebSocket
  /** Every frame received so far, in order. */
  readonly seen: Frame[]
  next(): Promise<Frame>
  /** The next frame that `match` accepts (others are skipped). */
  nextWhere(match: (f: Frame) => boolean): Promise<Frame>
  send(message: unknown): void
  readonly closed: Promise<{ code: number; reason: string }>
}

/** Connects and waits for the open. */
export function connect(url: string): Promise<Client> {
  const socket = new WebSocket(url)
  sockets.push(socket)
  const seen: Frame[] = []
  const inbox: Frame[] = []
  const waiting: ((f: Frame) => void)[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as Frame
    seen.push(frame)
    const waiter = waiting.shift()
    if (waiter === undefined) inbox.push(frame)
    else waiter(frame)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  const next = () =>
    new Promise<Frame>((res) => {
      const queued = inbox.shift()
      if (queued === undefined) waiting.push(res)
      else res(queued)
    })
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        seen,
        closed,
        next,
        nextWhere: async (match) => {
          for (;;) {
            const f = await next()
            if (match(f)) return f
          }
        },
        send: (message) => socket.send(JSON.stringify(message)),
      }),
    )
    socket.once('error', reject)
  })
}

/** Sends `type` and resolves its reply's data (frames before it skipped). */
export async function ask(client: Client, type: string, data?: unknown): Promise<unknown> {
  const id = `q${Math.random()}`
  client.send({ type, id, data })
  return (await client.nextWhere((f) => f.replyTo === id)).data
}
