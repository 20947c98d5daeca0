import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { DEFAULT_WS_HEARTBEAT_MS } from '../protocol/close-codes.js'

const OPEN = 1

/**
 * A route's ping period: `undefined`/`null` → 30 s; an integer ≥ 0 as given (`0` = no pings); any
 * other value is logged as a warning and gives 30 s (it is read during a handshake, where a throw
 * would only drop the client).
 */
export function resolveWsHeartbeatMs(value: unknown, log: Pick<FastifyBaseLogger, 'warn'>): number {
  if (value === undefined || value === null) return DEFAULT_WS_HEARTBEAT_MS
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    log.warn(
      { heartbeatMs: value },
      `ws: heartbeatMs must be an integer >= 0 (0 = off); using ${DEFAULT_WS_HEARTBEAT_MS}`,
    )
    return DEFAULT_WS_HEARTBEAT_MS
  }
  return value
}

/**
 * Pings the peer every period; a peer that did not answer the previous ping is terminated (which
 * runs the normal close path). Returns the stop function (also called on close).
 */
export function startHeartbeat(
  raw: WebSocket,
  periodMs: number,
  log: Pick<FastifyBaseLogger, 'warn' | 'debug'>,
): () => void {
  if (periodMs <= 0) return () => undefined
  let alive = true
  const onPong = (): void => {
    alive = true
  }
  raw.on('pong', onPong)
  const timer = setInterval(() => {
    if (raw.readyState !== OPEN) return
    if (!alive) {
      log.warn('ws: no pong within a heartbeat period (half-open connection): terminating')
      raw.terminate()
      return
    }
    alive = false
    try {
      raw.ping()
    } catch (err) {
      log.debug({ err }, 'ws: ping failed')
    }
  }, periodMs)
  timer.unref()
  const stop = (): void => {
    clearInterval(timer)
    raw.off('pong', onPong)
  }
  raw.once('close', stop)
  return stop
}
