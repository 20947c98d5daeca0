import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MegaError, type MegaIssue } from '@mega/observe'
import { CORE_ERRORS } from '../errors.js'
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
    // The path only: a query string may carry tokens, and error bodies end up in client logs.
    instance: request.url.split('?')[0] ?? '/',
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

// A rejection's details go to the log even when production keeps them from the client.
function detailsOf(error: unknown): unknown {
  return MegaError.is(error) ? error.details : undefined
}

/**
 * What a route's config may hold (the router sets it for routes whose schema zod also parses):
 * the zod issues of the part the compiled validator refused, which it leaves to zod.
 */
export interface ValidationIssuesSource {
  readonly megaRefusedIssues?: (
    request: FastifyRequest,
    part: string | undefined,
  ) => Promise<readonly MegaIssue[]>
}

/**
 * What a route's config may hold (the router sets it for routes with `onInvalid`): answers a 422
 * `MEGA_VALIDATION_FAILED` of the route itself (an HTML form re-rendered with its messages).
 */
export interface InvalidAnswerSource {
  readonly megaOnInvalid?: (
    request: FastifyRequest,
    reply: FastifyReply,
    issues: readonly MegaIssue[],
  ) => unknown
}

/**
 * The route's own answer to a validation failure, when it has one: `undefined` when it has none or
 * gave none (the envelope follows), else what to return from the error handler.
 */
async function answerInvalid(
  failure: HttpFailure,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  if (failure.code !== 'MEGA_VALIDATION_FAILED') return undefined
  const source = request.routeOptions.config as InvalidAnswerSource | undefined
  if (source?.megaOnInvalid === undefined) return undefined
  const answer = await source.megaOnInvalid(request, reply, failure.issues ?? [])
  if (answer === reply || reply.sent) return reply
  if (answer === undefined) return undefined
  if (reply.statusCode === 200) void reply.code(422)
  return answer
}

/**
 * A 422 from the compiled validator, completed with the issues zod finds in the same part for the
 * checks left to it: the client sees every field at fault at once. Ajv's issue wins on a path both
 * report.
 */
async function completeIssues(
  failure: HttpFailure,
  error: FastifyError,
  request: FastifyRequest,
): Promise<HttpFailure> {
  const source = request.routeOptions.config as ValidationIssuesSource | undefined
  if (error.validation === undefined || source?.megaRefusedIssues === undefined) return failure
  const more = await source.megaRefusedIssues(request, error.validationContext)
  const seen = new Set((failure.issues ?? []).map((i) => i.path))
  const added = more.filter((i) => !seen.has(i.path))
  return added.length === 0
    ? failure
    : { ...failure, issues: [...(failure.issues ?? []), ...added] }
}

/**
 * A 429 or 503 whose `details.retryAfterS` is a number of seconds gets a `Retry-After` header
 * (unless the route set one), so code that throws it (a brute-force lockout) needs no reply.
 */
function setRetryAfter(error: unknown, reply: FastifyReply): void {
  if (!MegaError.is(error) || (error.statusCode !== 429 && error.statusCode !== 503)) return
  const seconds = error.details?.retryAfterS
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return
  if (!reply.hasHeader('retry-after')) void reply.header('retry-after', Math.ceil(seconds))
}

/** Installs the error and not-found handlers that turn every failure into the envelope. */
export function installErrorHandling(
  fastify: FastifyInstance,
  production: boolean,
  onError?: (error: unknown, request: FastifyRequest, reply: FastifyReply) => Promise<void>,
): void {
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (onError !== undefined) await onError(error, request, reply)
    const failure = await completeIssues(toHttpFailure(error, production), error, request)
    const answer = await answerInvalid(failure, request, reply)
    if (answer !== undefined) {
      request.log.info({ code: failure.code, statusCode: 422 }, 'request rejected: form re-shown')
      return answer
    }
    setRetryAfter(error, reply)
    if (failure.unexpected) request.log.error({ err: error }, 'request failed')
    else
      request.log.info(
        { code: failure.code, statusCode: failure.statusCode, details: detailsOf(error) },
        'request rejected',
      )
    return sendFailure(failure, request, reply)
  })
  fastify.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const err = CORE_ERRORS.create('MEGA_ROUTE_NOT_FOUND', [request.method, path])
    return sendFailure(toHttpFailure(err, production), request, reply)
  })
}
