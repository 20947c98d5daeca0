import { afterEach } from 'vitest'
import WebSocket from 'ws'
import { createApp, type CreateAppOptions, type MegaServer } from '@mega/core'
import { ws, type WsOptions } from '../../src/index.js'

const servers: MegaServer[] = []
const clients: WebSocket[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A server with the ws() plugin on a free port; closed after the test. */
export async function serve(
  options: CreateAppOptions,
  wsOptions: WsOptions = {},
): Promise<{ server: MegaServer; url: string; wsUrl: string }> {
  const server = createApp({
    logger: false,
    ...options,
    plugins: [ws(wsOptions), ...(options.plugins ?? [])],
  })
  servers.push(server)
  const url = await server.listen()
  return { server, url, wsUrl: url.replace(/^http/, 'ws') }
}

/** A received message, parsed. */
export type Received = Record<string, unknown> & { type: string }

/** A `ws` client that queues what it receives, so a test can await the next message. */
export interface TestClient {
  readonly socket: WebSocket
  next(): Promise<Received>
  send(message: unknown): void
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>
}

/** Connects and waits for the open (rejects with the HTTP status of a refused upgrade). */
export function connect(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<TestClient> {
  const socket = new WebSocket(url, options.protocols ?? [], {
    headers: options.headers ?? {},
    autoPong: options.autoPong ?? true,
  })
  clients.push(socket)
  const inbox: Received[] = []
  const waiting: ((m: Received) => void)[] = []
  socket.on('message', (data, isBinary) => {
    // The protocol is JSON text: a binary frame (a browser would get a Blob) shows up as a failure.
    const message = isBinary
      ? { type: 'harness.binary-frame' }
      : (JSON.parse((data as Buffer).toString('utf8')) as Received)
    const waiter = waiting.shift()
    if (waiter === undefined) inbox.push(message)
    else waiter(message)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        closed,
        send: (message) =>
          socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
        next: () =>
          new Promise<Received>((res) => {
            const queued = inbox.shift()
            if (queued === undefined) waiting.push(res)
            else res(queued)
          }),
      }),
    )
    socket.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      )
    })
    socket.once('error', reject)
  })
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Sends `type` with a fresh id and resolves the reply's data, skipping what arrives before it
 * (broadcasts, presence events).
 */
export async function ask(client: TestClient, type: string, data?: unknown): Promise<unknown> {
  const id = `q${Math.random()}`
  client.send({ type, id, data })
  for (;;) {
    const m = await client.next()
    if (m.replyTo === id) return m.data
  }
}

/** Connects to a board channel that joins presence in `onConnect`; resolves once joined. */
export async function joinBoard(wsUrl: string, user: string): Promise<TestClient> {
  const client = await connect(`${wsUrl}/board?u=${user}`)
  await ask(client, 'who') // answered after onConnect, which joined
  return client
}
