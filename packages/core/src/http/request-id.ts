import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import { REQUEST_ID_HEADER } from './envelope.js'
import { trustsPeer, type TrustProxy } from './trust-proxy.js'

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/

/** The caller's `x-request-id` when it is 1–128 safe characters (`[A-Za-z0-9._:-]`), else `undefined`. */
export function upstreamRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : undefined
}

/** Uses the caller's `x-request-id` when it is safe, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return upstreamRequestId(header) ?? randomUUID()
}

type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>

/**
 * Request ids: the server makes its own (a UUID) for every request, so a client cannot choose the id
 * others' requests are logged under. A safe incoming `x-request-id` is kept as `upstreamRequestId` in
 * the request's log lines; it becomes the request id only when the socket's peer is a trusted proxy
 * (`trustProxy`), which set or forwarded it for the request.
 */
export function requestIds(
  trustProxy: TrustProxy,
  logging = true,
): {
  readonly genReqId: (req: IncomingMessage) => string
  readonly childLoggerFactory?: ChildLoggerFactory
} {
  const trusted = trustsPeer(trustProxy)
  const genReqId =
    trustProxy === false
      ? () => randomUUID()
      : (req: IncomingMessage) =>
          trusted(req.socket?.remoteAddress)
            ? requestIdFrom(req.headers[REQUEST_ID_HEADER])
            : randomUUID()
  // Without a logger there is no log line to carry the upstream id: Fastify's own factory is cheaper.
  if (!logging) return { genReqId }
  return {
    genReqId,
    childLoggerFactory: (logger, bindings, options, req) => {
      const upstream = upstreamRequestId(req.headers[REQUEST_ID_HEADER])
      return upstream === undefined || upstream === bindings.reqId
        ? logger.child(bindings, options)
        : logger.child({ ...bindings, upstreamRequestId: upstream }, options)
    },
  }
}
