// In a MegaCluster worker, `/metrics` and `/health/*` answer for the whole cluster: the worker asks
// the primary, which gathers every serving worker's report.
import type { HealthRegistry, MegaMetrics } from '@mega/observe'
import type { HealthAnswer, PrimaryLink } from '../cluster/cluster-worker.js'
import type { ClusterHealthSource, MetricsSource } from './endpoints.js'

const noAnswer = (what: string): HealthAnswer => ({
  status: 'fail',
  error: `the cluster primary did not answer the ${what} query in time`,
})

/**
 * Serves this worker's own reports to the primary, and returns the endpoints' sources: the
 * cluster's health and merged metrics, as the primary answers them.
 */
export function clusterViews(
  link: PrimaryLink,
  health: HealthRegistry,
  metrics: MegaMetrics | undefined,
): { health: ClusterHealthSource; metrics: MetricsSource | undefined } {
  link.serve({
    liveness: () => health.liveness(),
    readiness: () => health.readiness(),
    renderPrometheus: metrics === undefined ? undefined : () => metrics.renderPrometheus(),
  })
  const ask = async (kind: 'liveness' | 'readiness'): Promise<HealthAnswer> =>
    ((await link.ask(kind)) as HealthAnswer | undefined) ?? noAnswer(kind)
  return {
    health: { liveness: () => ask('liveness'), readiness: () => ask('readiness') },
    metrics:
      metrics === undefined
        ? undefined
        : {
            renderPrometheus: async () => {
              const answer = (await link.ask('metrics')) as { text?: unknown } | undefined
              if (typeof answer?.text === 'string') return answer.text
              throw new Error('The cluster primary did not answer the metrics query in time.')
            },
          },
  }
}
