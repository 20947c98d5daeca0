import type { WebSocket, RawData } from 'ws'
import { encodeHubMessage } from '@mega/ws/hub-protocol'
import type { HubMetrics } from './hub-metrics.js'

/** The text of a frame, or `undefined` for a binary one (the hub protocol is text only). */
export function frameText(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}

/** Sends an `error` frame when the socket is open (message cut to the protocol's 1024). */
export function sendError(
  socket: WebSocket,
  code: string,
  message: string,
  metrics: HubMetrics,
): void {
  if (socket.readyState !== socket.OPEN) return
  socket.send(
    encodeHubMessage('error', { code: code.slice(0, 64), message: message.slice(0, 1024) }),
  )
  metrics.frameOut('error')
}

/**
 * Starts a close with `code` and ends the socket within `ms` even when the peer never answers
 * (a dead bridge does not complete the close handshake). Resolves once it is closed.
 */
export function closeWithin(
  socket: WebSocket,
  code: number,
  reason: string,
  ms: number,
): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), ms)
    timer.unref()
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(code, reason.slice(0, 123))
  })
}
