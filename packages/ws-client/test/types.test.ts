import { describe, expectTypeOf, it } from 'vitest'
import WebSocket from 'ws'
import { MegaWsClient, type WsClientEvents, type WsClientMessage } from '../src/index.js'

interface Note {
  readonly id: number
  readonly title: string
}

// Checked by `tsc` (pnpm typecheck); at run time only constructs the client.
describe('MegaWsClient types', () => {
  it('types on() handlers from the message map, requests from their type argument', () => {
    const client = new MegaWsClient<{ 'note.created': Note }>({
      url: 'ws://127.0.0.1:9',
      WebSocket,
    })
    client.on('note.created', (note, message) => {
      expectTypeOf(note).toEqualTypeOf<Note>()
      expectTypeOf(message).toEqualTypeOf<WsClientMessage<Note>>()
    })
    client.on('other.type', (data) => expectTypeOf(data).toBeUnknown())
    const request = client.request<{ id: number }>('note.create')
    request.catch(() => undefined) // not open: rejects; only its type matters here
    expectTypeOf(request).toEqualTypeOf<Promise<{ id: number }>>()
    client.onEvent('reconnecting', (e) => {
      expectTypeOf(e).toEqualTypeOf<WsClientEvents['reconnecting']>()
      expectTypeOf(e.delayMs).toBeNumber()
    })
    client.onEvent('open', (e) => expectTypeOf(e.version).toBeNumber())
  })
})
