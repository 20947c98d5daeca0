import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { HealthRegistry, MegaMetrics } from '@mega/observe'
import { METRIC_NAMES } from '@mega/observe'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import { ok } from '../http/envelope.js'
import { sendFailure } from '../http/error-handler.js'
import { IpAllowList, PRIVATE_NETWORKS } from '../http/ip-allow-list.js'

/** What the health endpoints read: a {@link HealthRegistry}, or the cluster's view in a worker. */
export type HealthSource = Pick<HealthRegistry, 'liveness' | 'readiness'> | ClusterHealthSource

/** The cluster's health as a worker's endpoints show it. */
export interface ClusterHealthSource {
  liveness(): Promise<{ readonly status: string }>
  readiness(): Promise<{ readonly status: string }>
}

/** What the metrics endpoint renders: the process's metrics, or the cluster's merged text. */
export type MetricsSource = Pick<MegaMetrics, 'renderPrometheus'>

/** Paths of the built-in endpoints. */
export interface EndpointPaths {
  readonly livePath: string
  readonly readyPath: string
  readonly metricsPath?: string
}

/** Who may read an endpoint's data (`metrics`, or the health details): config `token` and `allow`. */
export interface EndpointAccess {
  /** A bearer token (`Authorization: Bearer <token>`) that opens the endpoint. */
  readonly token?: string | undefined
  /**
   * Addresses or CIDR ranges (`request.ip`, which follows `server.trustProxy`) let in without a token.
   * @default production: none with a token, else direct callers from loopback and private networks; otherwise anyone
   */
  readonly allow?: readonly string[] | undefined
}

/** Options of {@link mountEndpoints}: access rules of the metrics and the health details. */
export interface EndpointOptions {
  /** Production defaults (see {@link EndpointAccess.allow}). @default false */
  readonly production?: boolean
  readonly health?: EndpointAccess
  readonly metrics?: EndpointAccess
}

// Headers a proxy adds: the socket's peer is then the proxy, not the caller.
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const

const INTERNAL = new IpAllowList(PRIVATE_NETWORKS)

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Whether a request may read an endpoint's data; `'token'` when only a token would let it in. */
type Verdict = 'allowed' | 'token' | 'denied'

/**
 * The access check of one endpoint. An explicit `allow` list is checked against `request.ip`. The
 * production default without a token is stricter: the socket's peer must be on loopback or a private
 * network and the request must carry no forwarding header, so clients behind a proxy on the same host
 * (whose peer address is the proxy's) are not taken for internal callers.
 */
export function endpointAccess(
  access: EndpointAccess,
  production: boolean,
): (request: FastifyRequest) => Verdict {
  const token = access.token === undefined ? undefined : digest(access.token)
  const explicit = access.allow === undefined ? undefined : new IpAllowList(access.allow)
  const allowed = (request: FastifyRequest): boolean => {
    if (explicit !== undefined) return explicit.has(request.ip)
    if (!production) return true
    return (
      token === undefined &&
      INTERNAL.has(request.socket.remoteAddress) &&
      FORWARDING_HEADERS.every((h) => request.headers[h] === undefined)
    )
  }
  const hasToken = (request: FastifyRequest): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    return (
      token !== undefined && match?.[1] !== undefined && timingSafeEqual(digest(match[1]), token)
    )
  }
  return (request) => {
    if (hasToken(request) || allowed(request)) return 'allowed'
    return token === undefined ? 'denied' : 'token'
  }
}

async function answerHealth(
  report: Promise<{ status: string }>,
  details: boolean,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const result = await report
  const shown = details ? result : { status: result.status }
  if (result.status === 'ok') return ok(shown)
  return sendFailure(
    {
      statusCode: 503,
      code: 'MEGA_UNAVAILABLE',
      message: details
        ? 'Not healthy: see details for the failing checks.'
        : 'Not healthy: the details are for allowed callers (config health.token, health.allow).',
      details: shown,
      unexpected: false,
    },
    request,
    reply,
  )
}

function refuse(verdict: Verdict, reply: FastifyReply): never {
  if (verdict === 'token') {
    void reply.header('www-authenticate', 'Bearer')
    throw new UnauthorizedError('Metrics need a token: send Authorization: Bearer <metrics.token>.')
  }
  throw new ForbiddenError(
    'Metrics are not public: scrape from an allowed address, or set metrics.token and send it as a bearer token.',
  )
}

/**
 * `GET livePath` (the process works), `GET readyPath` (dependencies answer, not shutting down),
 * `GET metricsPath`. The health status is public (load balancers need 200/503); its checks are shown
 * only to callers `options.health` lets in. Metrics answer only to callers `options.metrics` lets in
 * (401 or 403 otherwise).
 */
export function mountEndpoints(
  fastify: FastifyInstance,
  paths: EndpointPaths,
  health: HealthSource,
  metrics: MetricsSource | undefined,
  options: EndpointOptions = {},
): void {
  const production = options.production ?? false
  const healthAccess = endpointAccess(options.health ?? {}, production)
  const details = (request: FastifyRequest) => healthAccess(request) === 'allowed'
  fastify.get(paths.livePath, (request, reply) =>
    answerHealth(health.liveness(), details(request), request, reply),
  )
  fastify.get(paths.readyPath, (request, reply) =>
    answerHealth(health.readiness(), details(request), request, reply),
  )
  if (metrics === undefined || paths.metricsPath === undefined) return
  const metricsAccess = endpointAccess(options.metrics ?? {}, production)
  fastify.get(paths.metricsPath, async (request, reply) => {
    const verdict = metricsAccess(request)
    if (verdict !== 'allowed') refuse(verdict, reply)
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(await metrics.renderPrometheus())
  })
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
