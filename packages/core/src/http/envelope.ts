import type { MegaIssue } from '@mega/observe'

/** The success envelope of every Mega JSON response. */
export interface SuccessEnvelope<T = unknown> {
  readonly ok: true
  readonly data: T
  readonly meta?: Readonly<Record<string, unknown>>
}

/** The error part of a failure envelope. */
export interface EnvelopeError {
  readonly code: string
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>> | readonly MegaIssue[]
  readonly requestId: string
}

/** The failure envelope of every Mega JSON response. */
export interface FailureEnvelope {
  readonly ok: false
  readonly error: EnvelopeError
}

/** Either envelope. */
export type Envelope<T = unknown> = SuccessEnvelope<T> | FailureEnvelope

/** RFC 9457 problem details, sent when the client asks for `application/problem+json`. */
export interface ProblemDetails {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly instance: string
  readonly code: string
  readonly requestId: string
  readonly errors?: readonly MegaIssue[]
  readonly details?: Readonly<Record<string, unknown>>
}

/** The header that carries the request id on every response. */
export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * Wraps data in the success envelope.
 *
 * @example ok({ id: 1 }) // { ok: true, data: { id: 1 } }
 */
export function ok<T>(data: T, meta?: Readonly<Record<string, unknown>>): SuccessEnvelope<T> {
  return meta === undefined ? { ok: true, data } : { ok: true, data, meta }
}

/**
 * Builds the failure envelope.
 *
 * @example fail('MEGA_NOT_FOUND', 'No such user.', 'req-1')
 */
export function fail(
  code: string,
  message: string,
  requestId: string,
  details?: EnvelopeError['details'],
): FailureEnvelope {
  return {
    ok: false,
    error:
      details === undefined ? { code, message, requestId } : { code, message, details, requestId },
  }
}
