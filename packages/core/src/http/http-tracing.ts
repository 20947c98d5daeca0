import { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import { startHttpServerSpan, type HttpServerSpan } from '@mega/observe'

/** The request slot of its server span (a string key: Fastify decorators keep one request shape). */
const SPAN = 'megaServerSpan'

type TracedRequest = FastifyRequest & { [SPAN]: HttpServerSpan | null }

function spanOf(request: FastifyRequest): HttpServerSpan | null {
  return (request as TracedRequest)[SPAN] ?? null
}

function startSpan(request: FastifyRequest): HttpServerSpan {
  const port = request.port
  const span = startHttpServerSpan({
    method: request.method,
    url: request.url,
    route: request.routeOptions.url,
    headers: request.headers,
    scheme: request.protocol,
    serverAddress: request.hostname,
    ...(port === null || port === undefined ? {} : { serverPort: port }),
    clientAddress: request.ip,
  })
  ;(request as TracedRequest)[SPAN] = span
  return span
}

/**
 * Fastify's own request lines, inside the request's server span. Fastify calls `incomingRequest`
 * for every request it answers (routes, 404s, router errors) before any hook, so the span starts
 * there: the `incoming request` line already carries `trace_id`/`span_id`. `requestCompleted` runs
 * when the response is finished; it logs inside the span and then ends it with the status code.
 */
class TracingLogController extends LogController {
  override incomingRequest(...args: Parameters<LogController['incomingRequest']>): void {
    const [request, reply] = args
    const span = startSpan(request)
    // Requests Fastify answers before routing (a malformed URL) never reach requestCompleted: the
    // response's close ends their span (for the others it comes after, and does nothing).
    reply.raw.once('close', () => span.end(reply.statusCode))
    span.run(() => super.incomingRequest(...args))
  }

  override requestCompleted(...args: Parameters<LogController['requestCompleted']>): void {
    const [, request, reply] = args
    const span = spanOf(request)
    if (span === null) return super.requestCompleted(...args)
    span.run(() => super.requestCompleted(...args))
    span.end(reply.statusCode)
  }
}

/**
 * Runs `fn` inside the request's server span, if it has one: for code Fastify calls outside the
 * hooks (its `frameworkErrors` answer to a malformed URL).
 */
export function inRequestSpan<T>(request: FastifyRequest, fn: () => T): T {
  const span = spanOf(request)
  return span === null ? fn() : span.run(fn)
}

/** The Fastify option that starts and ends a server span per request (see {@link installHttpTracing}). */
export function tracingLogController(): LogController {
  return new TracingLogController()
}

/**
 * Keeps each request's server span active through its lifecycle: the first `onRequest` hook runs
 * the rest of the chain (hooks, body parsing, handler) inside it, and listeners of the raw request
 * and response are bound to it (as OpenTelemetry's http instrumentation does), so a body chunk
 * read from the socket later does not lose it. A thrown error is recorded on the span.
 */
export function installHttpTracing(fastify: FastifyInstance): void {
  fastify.decorateRequest(SPAN, null)
  fastify.addHook('onRequest', (request, reply, done) => {
    const span = spanOf(request)
    if (span === null) return done()
    span.bind(request.raw)
    span.bind(reply.raw)
    span.run(done)
  })
  fastify.addHook('onError', (request, _reply, error, done) => {
    spanOf(request)?.recordError(error)
    done()
  })
}
