import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { FEATURES } from '../app/context-features.js'
import { megaValidators } from './ajv-validators.js'
import { clientErrorHandler, frameworkErrors } from './client-errors.js'
import { REQUEST_ID_HEADER } from './envelope.js'
import { installErrorHandling } from './error-handler.js'
import { DEFAULT_MAX_JSON_DEPTH, installJsonParser } from './json-parser.js'
import { requestIds } from './request-id.js'
import { inRequestSpan, installHttpTracing, tracingLogController } from './http-tracing.js'
import {
  fastifyTrustProxy,
  rememberTrustProxy,
  trustProxySchema,
  type TrustProxy,
} from './trust-proxy.js'

export { requestIdFrom } from './request-id.js'

/** Options for the Fastify instance under a Mega server. */
export interface HttpOptions {
  /** pino options, a pino-compatible logger instance, or `false`. @default false */
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance']
  /**
   * Production answers: every 5xx hides its message and details, and no failure carries `details`
   * (validation issues stay). @default process.env.NODE_ENV === 'production'
   */
  readonly production?: boolean
  /** Largest accepted body in bytes. @default 1048576 */
  readonly bodyLimit?: number
  /**
   * Which proxies to trust for `X-Forwarded-*` and for the caller's `x-request-id`: `true` (all),
   * `false` (none), a hop count, or IPs/CIDR ranges (`'10.0.0.0/8'`, a comma-separated string or a
   * list; `loopback`, `linklocal`, `uniquelocal` name their ranges), as Fastify takes it. @default false
   */
  readonly trustProxy?: TrustProxy
  /**
   * How deep arrays and objects of a JSON body may nest (1–1024); a deeper body is a 400
   * `MEGA_INVALID_JSON`. @default 64
   */
  readonly maxJsonDepth?: number
  /**
   * Close idle keep-alive connections at close. A cluster worker leaves them to end on their own,
   * since a client racing a request onto one would see a reset. @default true
   */
  readonly closeIdleConnections?: boolean
  /**
   * A SERVER span per request (`GET /users/:id`, HTTP semantic-convention attributes, the caller's
   * `traceparent` continued) active through hooks and handler, so every request log line carries
   * `trace_id`/`span_id`. Spans are no-ops until tracing is initialised (`initTracing`, or
   * `tracing` in the config, which sets this). @default false
   */
  readonly tracing?: boolean
}

/** The deepest JSON nesting `maxJsonDepth` may allow: deeper documents overflow recursive code. */
const MAX_JSON_DEPTH_LIMIT = 1024

const optionsSchema = z
  .object({
    production: z.boolean().optional(),
    bodyLimit: z.number().int().positive().optional(),
    trustProxy: trustProxySchema.optional(),
    maxJsonDepth: z
      .number()
      .int()
      .min(1, 'allow at least 1 level')
      .max(
        MAX_JSON_DEPTH_LIMIT,
        `stay at or under ${MAX_JSON_DEPTH_LIMIT} levels: deeper documents overflow recursive code`,
      )
      .optional(),
    closeIdleConnections: z.boolean().optional(),
    tracing: z.boolean().optional(),
  })
  .loose()

function isLoggerInstance(value: unknown): value is FastifyServerOptions['loggerInstance'] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { child?: unknown }).child === 'function'
  )
}

function tracedFrameworkErrors(production: boolean): ReturnType<typeof frameworkErrors> {
  const answer = frameworkErrors(production)
  return (error, request, reply) => inRequestSpan(request, () => answer(error, request, reply))
}

/**
 * Builds the Fastify instance: request ids, one Ajv per request part (bodies are never coerced), the
 * depth-capped JSON parser, and the envelope for every failure, including URLs and requests that
 * fail before routing or parsing.
 */
export function createFastify(
  options: HttpOptions = {},
  onError?: Parameters<typeof installErrorHandling>[2],
): FastifyInstance {
  const o = parseOptions(optionsSchema, options, 'server options')
  const production = o.production ?? process.env.NODE_ENV === 'production'
  const logger = options.logger ?? false
  const trustProxy = o.trustProxy ?? false
  const fastify = Fastify({
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: o.bodyLimit ?? 1_048_576,
    trustProxy: fastifyTrustProxy(trustProxy),
    forceCloseConnections: o.closeIdleConnections === false ? false : 'idle',
    requestIdHeader: false,
    ...requestIds(trustProxy, logger !== false),
    schemaController: { compilersFactory: { buildValidator: megaValidators() } },
    frameworkErrors:
      o.tracing === true ? tracedFrameworkErrors(production) : frameworkErrors(production),
    clientErrorHandler,
    ...(o.tracing === true ? { logController: tracingLogController() } : {}),
  }) as unknown as FastifyInstance
  if (o.tracing === true) installHttpTracing(fastify)
  installJsonParser(fastify, o.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH)
  rememberTrustProxy(fastify, trustProxy)
  fastify.decorateRequest(FEATURES, null) // the slot of ctx features: one request shape
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  installErrorHandling(fastify, production, onError)
  return fastify
}
