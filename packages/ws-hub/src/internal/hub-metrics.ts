import type { MegaMetrics } from '@mega/observe'
import type { HubMessageType } from '@mega/ws/hub-protocol'

/** The hub's metric names (Prometheus), declared once; the README lists them. */
export const HUB_METRIC_NAMES = Object.freeze({
  bridges: 'mega_ws_hub_bridges',
  framesIn: 'mega_ws_hub_frames_in_total',
  framesOut: 'mega_ws_hub_frames_out_total',
  deliveries: 'mega_ws_hub_deliveries_total',
  authFailures: 'mega_ws_hub_auth_failures_total',
  protocolErrors: 'mega_ws_hub_protocol_errors_total',
  bridgeCloses: 'mega_ws_hub_bridge_closes_total',
} as const)

/** What the hub records. */
export interface HubMetrics {
  frameIn(type: HubMessageType | 'invalid'): void
  frameOut(type: HubMessageType): void
  delivered(count: number): void
  authFailed(): void
  protocolError(code: string): void
  bridgeClosed(code: number): void
}

/** The hub's instruments on the process metrics; `bridges` is read at scrape time. */
export function createHubMetrics(metrics: MegaMetrics, bridges: () => number): HubMetrics {
  metrics.observableGauge(HUB_METRIC_NAMES.bridges, {
    description: 'Bridges registered with the hub',
    observe: bridges,
  })
  const framesIn = metrics.counter(HUB_METRIC_NAMES.framesIn, {
    description: 'Hub frames received from bridges, by type',
    labels: ['type'],
  })
  const framesOut = metrics.counter(HUB_METRIC_NAMES.framesOut, {
    description: 'Hub frames sent to bridges, by type',
    labels: ['type'],
  })
  const deliveries = metrics.counter(HUB_METRIC_NAMES.deliveries, {
    description: 'deliver frames routed to bridges',
  })
  const authFailures = metrics.counter(HUB_METRIC_NAMES.authFailures, {
    description: 'Registrations refused for a bad token',
  })
  const protocolErrors = metrics.counter(HUB_METRIC_NAMES.protocolErrors, {
    description: 'Frames refused, by error code',
    labels: ['code'],
  })
  const closes = metrics.counter(HUB_METRIC_NAMES.bridgeCloses, {
    description: 'Bridge sockets closed, by close code',
    labels: ['code'],
  })
  return {
    frameIn: (type) => framesIn.add(1, { type }),
    frameOut: (type) => framesOut.add(1, { type }),
    delivered: (count) => {
      if (count > 0) deliveries.add(count)
    },
    authFailed: () => authFailures.add(1),
    protocolError: (code) => protocolErrors.add(1, { code }),
    bridgeClosed: (code) => closes.add(1, { code: String(code) }),
  }
}

/** Records nothing (metrics off). */
export const NO_HUB_METRICS: HubMetrics = Object.freeze({
  frameIn: () => undefined,
  frameOut: () => undefined,
  delivered: () => undefined,
  authFailed: () => undefined,
  protocolError: () => undefined,
  bridgeClosed: () => undefined,
})
