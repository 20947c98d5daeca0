import { getMetrics, METRIC_NAMES, MegaError, type MegaMetrics } from '@mega/observe'

/** What the ws package records: connections, messages in and out by type, closes by code. */
export interface WsMetrics {
  opened(): void
  closed(code: number): void
  /** A message in: its type when the channel declares it, `invalid` or `unknown` otherwise. */
  received(type: string): void
  sent(type: string, count?: number): void
  /** A frame for the hub dropped while it was away (the hub link's buffer was full). */
  hubDropped(): void
}

/** The counter of frames the hub link dropped while the hub was away. */
export const WS_HUB_DROPPED_METRIC = 'mega_ws_hub_dropped_frames_total'

const none: WsMetrics = Object.freeze({
  opened: () => undefined,
  closed: () => undefined,
  received: () => undefined,
  sent: () => undefined,
  hubDropped: () => undefined,
})

/**
 * The ws instruments (`mega_ws_connections`, `mega_ws_messages_total`, `mega_ws_closes_total`,
 * `mega_ws_hub_dropped_frames_total`) on the app's metrics (what its `/metrics` serves: the plugin
 * API's `metrics`), else on the process metrics of `initMetrics()`, else nothing (metrics off).
 */
export function wsMetrics(appMetrics?: MegaMetrics): WsMetrics {
  let metrics = appMetrics
  if (metrics === undefined)
    try {
      metrics = getMetrics()
    } catch (err) {
      if (MegaError.is(err, 'MEGA_METRICS_NOT_INITIALIZED')) return none
      throw err
    }
  const connections = metrics.upDownCounter(METRIC_NAMES.wsConnections, {
    description: 'Open WebSocket connections',
  })
  const messages = metrics.counter(METRIC_NAMES.wsMessages, {
    description: 'WebSocket messages by direction and type',
    labels: ['direction', 'type'],
  })
  const closes = metrics.counter(METRIC_NAMES.wsCloses, {
    description: 'WebSocket connections closed, by close code',
    labels: ['code'],
  })
  const hubDropped = metrics.counter(WS_HUB_DROPPED_METRIC, {
    description: 'Frames for the WebSocket hub dropped while it was away (buffer full)',
  })
  return {
    hubDropped: () => hubDropped.add(1),
    opened: () => connections.add(1),
    closed: (code) => {
      connections.add(-1)
      closes.add(1, { code: String(code) })
    },
    received: (type) => messages.add(1, { direction: 'in', type }),
    sent: (type, count = 1) => {
      if (count > 0) messages.add(count, { direction: 'out', type })
    },
  }
}
