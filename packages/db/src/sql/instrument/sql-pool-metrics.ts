import { METRIC_NAMES } from '@mega/observe'
import type { AdapterMetricsSink } from '@mega/core'

/** A connection pool's usage at one moment. */
export interface SqlPoolStats {
  /** Connections checked out by a query or transaction. */
  readonly used: number
  /** Open connections waiting in the pool. */
  readonly idle: number
  /** Requests waiting for a connection (the pool is at its maximum). */
  readonly pending: number
}

type Counts = Readonly<Record<string, unknown>>

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

/** `pg.Pool`'s public counters (`totalCount`, `idleCount`, `waitingCount`). */
export function pgPoolStats(pool: unknown): SqlPoolStats | undefined {
  const p = pool as Counts
  const total = count(p.totalCount)
  const idle = count(p.idleCount)
  const pending = count(p.waitingCount)
  if (total === undefined || idle === undefined || pending === undefined) return undefined
  return { used: total - idle, idle, pending }
}

const lengthOf = (queue: unknown) => count((queue as Counts | undefined)?.length)

/**
 * A `mysql2` pool's usage. mysql2 has no public counters: this reads the length of its internal
 * queues (`_allConnections`, `_freeConnections`, `_connectionQueue`) and gives `undefined` (nothing
 * reported) when a release renames them.
 */
export function mysql2PoolStats(pool: unknown): SqlPoolStats | undefined {
  const p = pool as Counts
  const all = lengthOf(p._allConnections)
  const idle = lengthOf(p._freeConnections)
  const pending = lengthOf(p._connectionQueue)
  if (all === undefined || idle === undefined || pending === undefined) return undefined
  return { used: all - idle, idle, pending }
}

/**
 * Observable gauges of a pool, read at each scrape: `mega_db_pool_connections{state=used|idle}` and
 * `mega_db_pool_pending_requests`. Returns the function that stops reporting (on disconnect).
 */
export function registerPoolMetrics(
  metrics: AdapterMetricsSink,
  labels: { readonly adapter: string; readonly dialect: string },
  read: () => SqlPoolStats | undefined,
): () => void {
  const connections = metrics.observableGauge(METRIC_NAMES.dbPoolConnections, {
    description: 'SQL pool connections, by state (used by a query, or idle)',
    labels: ['adapter', 'dialect', 'state'],
    observe: () => {
      const s = read()
      if (s === undefined) return []
      return [
        { value: s.used, labels: { ...labels, state: 'used' } },
        { value: s.idle, labels: { ...labels, state: 'idle' } },
      ]
    },
  })
  const pending = metrics.observableGauge(METRIC_NAMES.dbPoolPendingRequests, {
    description: 'Requests waiting for a SQL pool connection',
    labels: ['adapter', 'dialect'],
    observe: () => {
      const s = read()
      return s === undefined ? [] : [{ value: s.pending, labels }]
    },
  })
  return () => {
    connections.remove()
    pending.remove()
  }
}
