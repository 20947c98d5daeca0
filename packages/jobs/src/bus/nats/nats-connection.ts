import {
  connect as natsConnect,
  type NatsConnection,
  type NodeConnectionOptions,
} from '@nats-io/transport-node'
import type { ResolvedNatsBusOptions } from './nats-options.js'
import { DEFAULT_NATS_URL } from './nats-options.js'

/** Opens a NATS connection; the `nats` driver's seam, so tests can pass their own. */
export type NatsConnect = (options: NodeConnectionOptions) => Promise<NatsConnection>

/** The client's own `connect` from `@nats-io/transport-node`. */
export const defaultNatsConnect: NatsConnect = natsConnect

/** The client options for validated driver options (`name` already resolved). */
export function clientOptions(
  options: ResolvedNatsBusOptions,
  name: string,
): NodeConnectionOptions {
  return {
    servers:
      options.servers === undefined ? (options.url ?? DEFAULT_NATS_URL) : [...options.servers],
    name,
    timeout: options.connectTimeoutMs,
    reconnect: options.reconnect,
    maxReconnectAttempts: options.maxReconnectAttempts,
    reconnectTimeWait: options.reconnectWaitMs,
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.pass === undefined ? {} : { pass: options.pass }),
    ...(options.token === undefined ? {} : { token: options.token }),
  }
}

/** Where the adapter connects, for messages: credentials in URLs are masked. */
export function describeServers(options: ResolvedNatsBusOptions): string {
  const list = options.servers ?? [options.url ?? DEFAULT_NATS_URL]
  return list.map((s) => s.replace(/\/\/[^@/]*@/, '//***@')).join(', ')
}
