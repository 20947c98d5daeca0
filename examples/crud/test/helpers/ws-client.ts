import { afterEach } from 'vitest'
import WebSocket from 'ws'

const sockets: WebSocket[] = []

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate()
})

/** A received envelope, parsed. */
export type Received = Record<string, unknown> & { type: string; data?: unknown }

/** A real `ws` client that queues what it receives, so a test awaits the next message. */
export interface LiveClient {
  readonly socket: WebSocket
  next(): Promise<Received>
  send(message: unknown): void
}

/** A refused upgrade: the HTTP status and the JSON body (Mega's error envelope). */
export interface Refusal extends Error {
  readonly status: number
  readonly body: string
}

/**
 * Connects to `url` (`ws://`) offering `mega.v1` and resolves once open, or rejects with a
 * {@link Refusal} carrying the HTTP status of a refused upgrade. Terminated after the test.
 */
export function connectLive(
  url: string,
  headers: Record<string, string> = {},
): Promise<LiveClient> {
  const socket = new WebSocket(url, ['mega.v1'], { headers })
  sockets.push(socket)
  const inbox: Received[] = []
  const waiting: ((m: Received) => void)[] = []
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as Received
    const waiter = waiting.shift()
    if (waiter === undefined) inbox.push(message)
    else waiter(message)
  })
  const client: LiveClient = {
    socket,
    send: (message) => socket.send(JSON.stringify(message)),
    next: () =>
      new Promise<Received>((resolve) => {
        const queued = inbox.shift()
        if (queued === undefined) waiting.push(resolve)
        else resolve(queued)
      }),
  }
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client))
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
