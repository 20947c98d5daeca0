// One client per kind of server, written as each library's users write it, behind one small shape.
import { io } from 'socket.io-client'
import WebSocket from 'ws'
import {
  FANOUT_PATH,
  PUBLISH_TYPE,
  TICK_TYPE,
  type FanoutPayload,
} from '../servers/fanout-payload.js'
import type { FleetKind } from './fleet-types.js'

/** A connected client: it can publish, and calls `onTick` for each fanned-out payload. */
export interface FleetClient {
  publish(payload: FanoutPayload): void
  close(): void
}

function wsClient(
  url: string,
  protocols: readonly string[],
  onTick: (payload: FanoutPayload) => void,
): Promise<FleetClient> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${FANOUT_PATH}`, [...protocols])
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as { type?: string; data?: FanoutPayload }
    if (message.type === TICK_TYPE && message.data !== undefined) onTick(message.data)
  })
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.once('open', () => {
      socket.off('error', reject)
      socket.on('error', () => undefined) // a reset while closing the fleet is not a failure
      resolve({
        publish: (data) => socket.send(JSON.stringify({ type: PUBLISH_TYPE, data })),
        close: () => socket.close(),
      })
    })
  })
}

function socketIoClient(
  url: string,
  onTick: (payload: FanoutPayload) => void,
): Promise<FleetClient> {
  // forceNew: one connection per client (by default every io(url) would share one Manager)
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  socket.on(TICK_TYPE, onTick)
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject)
    socket.once('connect', () => {
      socket.off('connect_error', reject)
      resolve({
        publish: (data) => socket.emit(PUBLISH_TYPE, data),
        close: () => socket.close(),
      })
    })
  })
}

/** Connects one client of `kind` to the server at `url` (`http://host:port`). */
export function connectClient(
  kind: FleetKind,
  url: string,
  onTick: (payload: FanoutPayload) => void,
): Promise<FleetClient> {
  if (kind === 'socket.io') return socketIoClient(url, onTick)
  return wsClient(url, kind === 'mega' ? ['mega.v1'] : [], onTick)
}
