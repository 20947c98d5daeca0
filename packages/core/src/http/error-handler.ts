import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NotFoundError } from '../errors.js'
import { fail, type ProblemDetails } from './envelope.js'
import { toHttpFailure, type HttpFailure } from './error-mapper.js'

const PROBLEM_JSON = 'application/problem+json'

function wantsProblem(request: FastifyRequest): boolean {
  const accept = request.headers.accept
  return typeof accept === 'string' && accept.includes(PROBLEM_JSON)
}

function problem(failure: HttpFailure, request: FastifyRequest): ProblemDetails {
  return {
    type: 'about:blank',
    title: failure.code,
    status: failure.statusCode,
    detail: failure.message,
    instance: request.url,
    code: failure.code,
    requestId: request.id,
    ...(failure.issues === undefined ? {} : { errors: failure.issues }),
    ...(failure.details === undefined ? {} : { details: failure.details }),
  }
}

/**
 * A request decoration a plugin may add (the i18n plugin does) to replace a failure's message, e.g.
 * with its translation: `(this: FastifyRequest, failure) => string | undefined` (`undefined` keeps
 * it). The code, status and details never change; if it throws, the message is kept.
 */
export const FAILURE_MESSAGE = 'megaFailureMessage'

function rewriteMessage(failure: HttpFailure, request: FastifyRequest): HttpFailure {
  const rewrite = (request as unknown as Record<string, unknown>)[FAILURE_MESSAGE]
  if (typeof rewrite !== 'function') return failure
  try {
    const message: unknown = rewrite.call(request, failure)
    return typeof message === 'string' ? { ...failure, message } : failure
  } catch (err) {
    request.log.error({ err }, 'failure message rewrite failed')
    return failure
  }
}

/** Sends an HTTP failure as the envelope, or as RFC 9457 problem details when the client asks. */
export function sendFailure(
  original: HttpFailure,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const failure = rewriteMessage(original, request)
  void reply.code(failure.statusCode)
  if (wantsProblem(request))
    return reply.type(PROBLEM_JSON).send(JSON.stringify(problem(failure, request)))
  const details = failure.issues ?? failure.details
  return reply
    .type('application/json; charset=utf-8')
    .send(fail(failure.code, failure.message, request.id, details))
}

/** Installs the error and not-found handlers that turn every failure into the envelope. */
export function installErrorHandling(
  fastify: FastifyInstance,
  production: boolean,
  onError?: (error: unknown, request: FastifyRequest, reply: FastifyReply) => Promise<void>,
): void {
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (onError !== undefined) await onError(error, request, reply)
    const failure = toHttpFailure(error, production)
    if (failure.unexpected) request.log.error({ err: error }, 'request failed')
    else
      request.log.info({ code: failure.code, statusCode: failure.statusCode }, 'request rejected')
    return sendFailure(failure, request, reply)
  })
  fastify.setNotFoundHandler((request, reply) => {
    const err = new NotFoundError(
      `No route for ${request.method} ${request.url.split('?')[0] ?? ''}: check the method and path.`,
      {
        code: 'MEGA_ROUTE_NOT_FOUND',
      },
    )
    return sendFailure(toHttpFailure(err, production), request, reply)
  })
}
