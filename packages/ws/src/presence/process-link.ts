import type { BusAdapter, CacheAdapter, PluginApi } from '@mega/core'
import { MegaShutdown } from '@mega/observe'
import { wsError } from '../errors.js'
import { MegaHubLink } from '../hub/hub-link.js'
import type { WsHubConfig } from '../hub/hub-link-config.js'
import type { PresenceRegistry } from './presence-registry.js'
import type { WsMetrics } from '../ws-metrics.js'
import { SharedHistory, canKeepHistory } from './shared-history.js'
import {
  DEFAULT_CLUSTER_HEARTBEAT_MS,
  DEFAULT_ROSTER_TTL_MS,
  WsCluster,
  clusterPrefix,
  type ClusterTransport,
} from './ws-cluster.js'

/** The cluster options `ws({ cluster })` resolves to (see `WsClusterConfig`). */
export interface ClusterSettings {
  readonly bus?: string
  readonly roster?: string
  readonly heartbeatMs?: number
  readonly rosterTtlMs?: number
  readonly history?: string
}

/** How this process reaches the others, once started; `stop` is idempotent. */
export interface ProcessLink {
  readonly transport: ClusterTransport
  stop(): Promise<void>
}

/**
 * Links the registry to the other processes: over the bus and the cache (`cluster`) or through a
 * hub (`hub`); attaches the shared history when one is named, and starts the link. The hub link
 * is also a shutdown hook `mega-hublink:<app>` (removed when it stops), so a process shutting down
 * leaves the hub before anything else of the WebSocket side goes.
 */
export async function linkProcesses(
  api: PluginApi,
  registry: PresenceRegistry,
  cluster: ClusterSettings | undefined,
  hub: WsHubConfig | undefined,
  metrics: WsMetrics,
): Promise<ProcessLink | undefined> {
  if (hub !== undefined) {
    const { history, ...config } = hub
    const link = new MegaHubLink(registry, { ...config, log: api.log })
    link.on('dropped', () => metrics.hubDropped())
    registry.attach(link, sharedHistory(api, 'hub', history))
    const hook = `mega-hublink:${api.appNames.join(',')}`
    const stop = async (): Promise<void> => {
      MegaShutdown.unregister(hook)
      await link.stop()
    }
    MegaShutdown.register(hook, stop)
    await link.start()
    return { transport: link, stop }
  }
  if (cluster === undefined) return undefined
  const link = new WsCluster(
    api.adapter<BusAdapter>(cluster.bus ?? 'bus'),
    api.adapter<CacheAdapter>(cluster.roster ?? 'cache'),
    registry,
    {
      prefix: clusterPrefix(api.appNames),
      heartbeatMs: cluster.heartbeatMs ?? DEFAULT_CLUSTER_HEARTBEAT_MS,
      rosterTtlMs: cluster.rosterTtlMs ?? DEFAULT_ROSTER_TTL_MS,
    },
    api.log,
  )
  registry.attach(link, sharedHistory(api, 'cluster', cluster.history))
  await link.start()
  return { transport: link, stop: () => link.stop() }
}

/** The history the processes share, when `cluster.history` or `hub.history` names a cache adapter. */
function sharedHistory(
  api: PluginApi,
  option: 'cluster' | 'hub',
  alias: string | undefined,
): SharedHistory | undefined {
  if (alias === undefined) return undefined
  const cache = api.adapter<CacheAdapter>(alias)
  if (!canKeepHistory(cache))
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `ws(): ${option}.history: the "${alias}" adapter (driver ${cache.driver}) cannot keep a shared history: use a redis cache adapter, or leave history out.`,
    )
  return new SharedHistory(cache, clusterPrefix(api.appNames), api.log)
}
