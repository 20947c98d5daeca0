import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { HealthRegistry, MegaMetrics } from '@mega/observe'
import { METRIC_NAMES } from '@mega/observe'
import { ok } from '../http/envelope.js'
import { sendFailure } from '../http/error-handler.js'

/** Paths of the built-in endpoints. */
export interface EndpointPaths {
  readonly livePath: string
  readonly readyPath: string
  readonly metricsPath?: string
}

async function answerHealth(
  report: Promise<{ status: string }>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const result = await report
  if (result.status === 'ok') return ok(result)
  return sendFailure(
    {
      statusCode: 503,
      code: 'MEGA_UNAVAILABLE',
      message: 'Not healthy: see details for the failing checks.',
      details: result,
      unexpected: false,
    },
    request,
    reply,
  )
}

/** `GET livePath` (the process works), `GET readyPath` (dependencies answer, not shutting down), `GET metricsPath`. */
export function mountEndpoints(
  fastify: FastifyInstance,
  paths: EndpointPaths,
  health: HealthRegistry,
  metrics: MegaMetrics | undefined,
): void {
  fastify.get(paths.livePath, (request, reply) => answerHealth(health.liveness(), request, reply))
  fastify.get(paths.readyPath, (request, reply) => answerHealth(health.readiness(), request, reply))
  if (metrics === undefined || paths.metricsPath === undefined) return
  fastify.get(paths.metricsPath, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.renderPrometheus()),
  )
}

/** Records `mega_http_requests_total` and `mega_http_request_duration_seconds` for every response. */
export function instrumentHttp(fastify: FastifyInstance, metrics: MegaMetrics): void {
  const labels = ['method', 'route', 'status_code']
  const requests = metrics.counter(METRIC_NAMES.httpRequests, {
    description: 'HTTP requests answered',
    labels,
  })
  const duration = metrics.histogram(METRIC_NAMES.httpRequestDuration, {
    description: 'HTTP request duration',
    unit: 's',
    labels,
  })
  fastify.addHook('onResponse', (request, reply, done) => {
    const attrs = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: reply.statusCode,
    }
    requests.add(1, attrs)
    duration.record(reply.elapsedTime / 1000, attrs)
    done()
  })
}
