import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { REQUEST_ID_HEADER } from './envelope.js'
import { installErrorHandling } from './error-handler.js'

/** Options for the Fastify instance under a Mega server. */
export interface HttpOptions {
  /** pino options, a pino-compatible logger instance, or `false`. @default false */
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance']
  /** Hide internal error messages in 500 responses. @default process.env.NODE_ENV === 'production' */
  readonly production?: boolean
  /** Largest accepted body in bytes. @default 1048576 */
  readonly bodyLimit?: number
  /** Trust `X-Forwarded-*` headers from a proxy. @default false */
  readonly trustProxy?: boolean
  /**
   * Close idle keep-alive connections at close. A cluster worker leaves them to end on their own,
   * since a client racing a request onto one would see a reset. @default true
   */
  readonly closeIdleConnections?: boolean
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/

/** Uses the caller's `x-request-id` when it is safe, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : randomUUID()
}

function isLoggerInstance(value: unknown): value is FastifyServerOptions['loggerInstance'] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { child?: unknown }).child === 'function'
  )
}

/** Builds the Fastify instance: request ids, Ajv settings, the envelope for every failure. */
export function createFastify(
  options: HttpOptions = {},
  onError?: Parameters<typeof installErrorHandling>[2],
): FastifyInstance {
  const production = options.production ?? process.env.NODE_ENV === 'production'
  const logger = options.logger ?? false
  const fastify = Fastify({
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: options.closeIdleConnections === false ? false : 'idle',
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: 'array',
        removeAdditional: true,
        useDefaults: true,
      },
    },
  }) as unknown as FastifyInstance
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  installErrorHandling(fastify, production, onError)
  return fastify
}
