import type { AspCodec } from '../../src/index.js'
import { connect, type Received, type TestClient } from './ws-harness.js'

/** A real `ws` client speaking ASP: sends sealed envelopes, opens what it receives. */
export interface AspTestClient {
  readonly client: TestClient
  /** Seals and sends an envelope; returns the frame sent (for replays). */
  send(message: unknown): string
  /** The next message, opened (rejects when it does not open). */
  next(): Promise<Received>
  /** Sends and resolves the reply's envelope, skipping other messages. */
  ask(type: string, data?: unknown): Promise<Received>
}

export async function connectAsp(
  url: string,
  codec: AspCodec,
  protocols: string[] = ['mega.v1+asp'],
): Promise<AspTestClient> {
  const client = await connect(url, { protocols })
  const next = async (): Promise<Received> =>
    JSON.parse(await codec.open(JSON.stringify(await client.next()))) as Received
  const send = (message: unknown): string => {
    const frame = codec.seal(JSON.stringify(message))
    client.send(frame)
    return frame
  }
  return {
    client,
    send,
    next,
    async ask(type, data) {
      const id = `q${Math.random()}`
      send({ type, id, data })
      for (;;) {
        const m = await next()
        if (m.replyTo === id) return m
      }
    },
  }
}
